def test_home_page_offers_both_entry_buttons(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "I am a Professional" in html
    assert "I am a member of the public" in html
    assert "If a child is in immediate danger, call 999" in html
