import pytest


@pytest.mark.django_db
def test_it_lists_loops_and_stages_with_guidance(client, mini_pack):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha loop" in html
    assert "Coding screen" in html and "45 min" in html
    assert "2 × 30 min" in html
    assert "<em>out loud</em>" in html  # guidance is rendered Markdown
    assert 'href="/questions/?stage=alpha/screen"' in html


@pytest.mark.django_db
def test_it_says_how_to_load_a_pack_when_empty(client):
    response = client.get("/")
    assert "load_pack" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_post(client):
    assert client.post("/").status_code == 405


@pytest.mark.django_db
def test_it_shows_account_links(client, owner):
    assert "Sign up" in client.get("/").content.decode()
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "alice" in html and "Log out" in html


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_stages(client, mini_pack, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
    assert "Coding screen" in response.content.decode()


@pytest.mark.django_db
def test_the_loop_page_shows_each_stage(client, mini_pack):
    response = client.get("/loops/mini/alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coding screen" in html and "Tests the code" in html
    assert client.get("/loops/mini/nope/").status_code == 404
    assert client.post("/loops/mini/alpha/").status_code == 405


@pytest.mark.django_db
def test_signed_in_users_can_start_rounds_from_home_and_loop_pages(client, owner, mini_pack):
    assert "Start round" not in client.get("/").content.decode()
    client.force_login(owner)
    for url in ("/", "/loops/mini/alpha/"):
        html = client.get(url).content.decode()
        assert 'aria-label="Start round: Coding screen"' in html and 'action="/practice/start/"' in html
    assert "Start the whole loop" in client.get("/loops/mini/alpha/").content.decode()
