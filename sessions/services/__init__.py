"""Importing data exported from another instance: the importer and the rules an imported round keeps."""
