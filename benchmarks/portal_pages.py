"""The signed-in pages and fragments the page-weight benchmark measures (forms, drafts, submissions).

Kept apart from page_weight.py because it follows the referral journey's own endpoints.
"""


def signed_in_pages(app, client, fragments: dict, measure_page) -> dict:
    pages = {}
    if "accounts.my_account" in app.view_functions:
        pages["My Account"] = measure_page(client, "/account")
    return pages
