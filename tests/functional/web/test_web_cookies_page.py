"""The cookies page: what the one essential cookie is, readable on a phone."""

from tests.tables import assert_rows_read_as_labelled_cards


def test_the_cookie_table_reads_as_a_labelled_card_on_a_phone(app, client):
    """Its three columns scrolled sideways at 320 px, the purpose and expiry off screen: the row is now
    a card, each cell led by its column's name."""
    html = client.get("/cookies").get_data(as_text=True)
    table = assert_rows_read_as_labelled_cards(html, "Essential cookies")
    assert table.headers == ["Name", "Purpose", "Expires"]
    assert len(table.rows) == 1
    assert f'aria-hidden="true">Name: </span>{app.config["SESSION_COOKIE_NAME"]}</td>' in html
