"""The pages at the volumes a council really has: time, SQL statements and size of each list and page.

A council's Children First Hub receives thousands of referrals a year, and a school's safeguarding lead
may have dozens of drafts and hundreds of submissions. This loads two years of them (20,000 submissions
across the three teams, returned and responded ones among them, files on many, 5,000 accounts, one
professional with 60 drafts and 200 submissions) into a throwaway SQLite file and the `portal_bench`
PostgreSQL database (or BENCH_VOLUME_DATABASE_URL), then requests each page through the Flask test client:

    python -m benchmarks volume            # both databases
    BENCH_VOLUME_SUBMISSIONS=2000 python -m benchmarks volume

Rows are bulk-inserted with Core so set-up takes seconds, not minutes. Each figure is the median of
several requests after one warm-up request; "statements" is what one request sent to the database.
"""

import os
import random
import statistics
import time
from datetime import timedelta

from sqlalchemy import event, insert, text

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.validation import fold_for_search

from .common import ensure_postgres_database, fresh_app, print_table, write_result

SUBMISSIONS = int(os.environ.get("BENCH_VOLUME_SUBMISSIONS", 20_000))
ACCOUNTS = int(os.environ.get("BENCH_VOLUME_ACCOUNTS", 5_000))
REPEATS = int(os.environ.get("BENCH_VOLUME_REPEATS", 7))
TEAMS = (("social-care", "safeguarding-concern", "Child/Young Person Safeguarding Concern", 0.6),
         ("early-help", "early-help", "Early Help Referral", 0.3),
         ("lado", "lado", "LADO Referral", 0.1))
FIRST = ["Jordan", "Ava", "Maisie", "Oliver", "Amelia", "Noah", "Isla", "Leo", "Freya", "Harry", "Mia",
         "Alfie", "Ruby", "Theo", "Lily", "Jack", "Grace", "Oscar", "Evie", "Charlie"]
LAST = ["Ellison", "Brown", "O'Brien", "Smith", "Jones", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
        "Roberts", "Walker", "Wright", "Hughes", "Green", "Hall", "Wood", "Clarke", "Jackson", "Turner"]
CHUNK = 2_000


def _answers(child: str) -> dict:
    from tests.functional.review.builders import answers

    first, _, last = child.partition(" ")
    return answers(child={"first_name": first, "surname": last})


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def seed(rng: random.Random) -> dict:
    """Everything the pages list, returning the ids the measurements sign in as and open."""
    from flask import current_app

    from webapp.accounts.models import User
    from webapp.attachments.models import Attachment
    from webapp.drafts.models import Draft
    from webapp.submissions.models import AuditEntry, ReturnRequest, Submission, SubmissionVersion

    now = utcnow().replace(microsecond=0)
    terms = current_app.config["TERMS_VERSION"]
    users = [{"id": n, "email": f"person{n}@example.com", "password_hash": "x", "first_name": "Pat",
              "surname": f"Person{n}", "is_professional": n % 3 == 0, "email_verified_at": now,
              "terms_version": terms, "terms_accepted_at": now, "is_staff": False, "failed_logins": 0,
              "created_at": now} for n in range(1, ACCOUNTS + 1)]
    staff_ids = {}
    for offset, (team, *_rest) in enumerate(TEAMS, start=1):
        staff_ids[team] = ACCOUNTS + offset
        users.append({**users[0], "id": ACCOUNTS + offset, "email": f"staff-{team}@council.example",
                      "surname": team, "is_staff": True, "team": team, "is_professional": False})
    professional = 3  # person3: a school's safeguarding lead
    users[professional - 1].update(role="Designated Safeguarding Lead", organisation="Meadow Primary School")
    _bulk(User, users)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))

    submissions, versions, returns, files, audit = [], [], [], [], []
    pdf = b"%PDF-1.7 " + b"x" * 2_000
    weights = [t[3] for t in TEAMS]
    total = SUBMISSIONS + 200
    for n in range(total):
        team, form_id, title, _ = rng.choices(TEAMS, weights)[0]
        own = n >= SUBMISSIONS  # the professional's 200, over the same two years
        if own:
            team, form_id, title = TEAMS[0][:3]
        age = timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        if n % 500 == 0:  # a batch keyed in at the same minute: ties the sort must break the same way
            age = timedelta(days=40)
        sent = now - age
        recent = age < timedelta(days=20)
        if recent:
            status = rng.choice(["submitted"] * 3 + ["returned", "resubmitted", "responded"])
        else:
            status = rng.choice(["responded"] * 8 + ["returned", "submitted"])
        child = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        sid = f"{n:032x}"
        number_of_versions = 2 if status == "resubmitted" or (status == "responded" and n % 7 == 0) else 1
        submissions.append({
            "id": sid, "reference": f"CP-{sent.year}-{n + 1:06d}",
            "user_id": professional if own else rng.randrange(1, ACCOUNTS + 1),
            "form_id": form_id, "form_title": title, "team": team, "child_name": child,
            "searched_names": fold_for_search(child), "status": status,
            "first_submitted_at": sent - timedelta(hours=number_of_versions - 1), "last_submitted_at": sent,
            "response_text": "Accepted: passed to the Children First Hub" if status == "responded" else None,
            "responded_at": sent + timedelta(days=1) if status == "responded" else None})
        for number in range(1, number_of_versions + 1):
            vid = f"{n:030x}{number:02x}"
            versions.append({"id": vid, "submission_id": sid, "number": number, "form_version": 1,
                             "answers": _answers(child), "submitted_by": submissions[-1]["user_id"],
                             "submitted_at": sent - timedelta(hours=number_of_versions - number),
                             "idempotency_key": vid, "pdf": pdf, "pdf_rendered_at": sent})
            if n % 5 < 2:  # files on two submissions in five
                for f in range(1 + n % 3):
                    files.append({"id": f"{vid}{f:02x}"[-32:], "user_id": submissions[-1]["user_id"],
                                  "version_id": vid, "display_name": f"Notes {f + 1}.pdf", "kind": "pdf",
                                  "content_type": "application/pdf", "size": 1_000, "description": "",
                                  "data": b"%PDF-1.7 notes", "created_at": sent})
        if status in ("returned", "resubmitted") or number_of_versions > 1:
            returns.append({"submission_id": sid, "version_number": 1, "reason": "insufficient_detail",
                            "comments": "Please tell us more about the bruises.", "sections": ["child"],
                            "returned_by": staff_ids[team], "returned_at": sent - timedelta(minutes=30),
                            "resolved_at": None if status == "returned" else sent})
        for k in range(3):
            audit.append({"submission_id": sid, "user_id": staff_ids[team], "action": "view:1",
                          "at": sent + timedelta(hours=k + 1)})
    busy = submissions[1]  # opened and downloaded many times
    for k in range(2_000):
        audit.append({"submission_id": busy["id"], "user_id": staff_ids[busy["team"]],
                      "action": "view:1" if k % 3 else "view_pdf:1", "at": now - timedelta(minutes=k)})
    _bulk(Submission, submissions)
    _bulk(SubmissionVersion, versions)
    _bulk(Attachment, files)
    _bulk(ReturnRequest, returns)
    _bulk(AuditEntry, audit)

    drafts = []
    for n in range(10_000 + 60):
        owner = professional if n >= 10_000 else rng.randrange(1, ACCOUNTS + 1)
        saved = now - timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        drafts.append({"id": f"d{n:031x}", "user_id": owner, "form_id": "safeguarding-concern",
                       "form_version": 1, "answers": _answers("Jordan Ellison"),
                       "section_status": {"professional": "completed", "child": "completed"}, "version": 3,
                       "description": "Child/Young Person Safeguarding Concern – Jordan Ellison",
                       "created_at": saved - timedelta(days=1), "saved_at": saved,
                       "expires_at": saved + timedelta(days=30) if owner != professional
                       else now + timedelta(days=1 + n % 29)})
    _bulk(Draft, drafts)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    returned_own = next(s for s in submissions[SUBMISSIONS:] if s["status"] == "returned")
    typical = next(s for s in submissions if s["team"] == "social-care" and s["status"] == "resubmitted")
    return {"staff": staff_ids["social-care"], "reference": typical["reference"].lower(),
            "professional": professional, "busy": busy["id"],
            "busy_team": busy["team"], "typical": typical["id"], "returned_own": returned_own["id"]}


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


def _sign_in(client, user_id: int, staff: bool = False) -> None:
    with client.session_transaction() as session:
        session["user_id"] = user_id
        session["staff"] = staff


def measure(client, counter: StatementCounter, url: str, headers=None) -> dict:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    times, counts = [], []
    for _ in range(REPEATS):
        counter.count = 0
        counter.statements = []
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        counts.append(counter.count)
    return {"ms": round(statistics.median(times), 1), "statements": max(counts),
            "kb": round(len(response.get_data()) / 1024, 1)}


def _queue_search_url(client, text_: str, status: str = "") -> str:
    from tests.support import csrf_token

    token = csrf_token(client.get("/la/queue").get_data(as_text=True))
    response = client.post("/la/queue", data={"csrf_token": token, "q": text_, "status": status})
    return response.headers["Location"]


def pages(app, ids: dict) -> dict:
    with app.app_context():
        counter = StatementCounter(db.engine)
    staff = app.test_client()
    _sign_in(staff, ids["staff"], staff=True)
    busy_staff = app.test_client()
    with app.app_context():
        from webapp.accounts.models import User

        busy_staff_id = db.session.query(User.id).filter_by(is_staff=True, team=ids["busy_team"]).scalar()
    _sign_in(busy_staff, busy_staff_id, staff=True)
    pro = app.test_client()
    _sign_in(pro, ids["professional"])
    hx = {"HX-Request": "true"}
    out = {
        "queue": measure(staff, counter, "/la/queue"),
        "queue (htmx)": measure(staff, counter, "/la/queue", hx),
        "queue page 200": measure(staff, counter, "/la/queue?page=200"),
        "queue last page": measure(staff, counter, "/la/queue?page=99999"),
    }
    for status in ("submitted", "returned", "resubmitted", "responded"):
        out[f"queue status={status}"] = measure(staff, counter, f"/la/queue?status={status}")
    out["queue search name"] = measure(staff, counter, _queue_search_url(staff, "ellison"))
    out["queue search part of a reference"] = measure(staff, counter,
                                                      _queue_search_url(staff, "CP-2025-0001"))
    out["queue search whole reference"] = measure(staff, counter, _queue_search_url(staff, ids["reference"]))
    out["queue search + status"] = measure(staff, counter, _queue_search_url(staff, "jones", "responded"))
    out["submission (2 versions)"] = measure(staff, counter, f"/la/submissions/{ids['typical']}")
    out["submission (2,000 audit rows)"] = measure(busy_staff, counter, f"/la/submissions/{ids['busy']}")
    out["submission PDF"] = measure(staff, counter, f"/la/submissions/{ids['typical']}/v1.pdf")
    out["Recover a Form (60 drafts)"] = measure(pro, counter, "/drafts")
    out["Submitted Forms (200 sent)"] = measure(pro, counter, "/submitted")
    out["submitted form"] = measure(pro, counter, f"/submitted/{ids['returned_own']}")
    out["My Account"] = measure(pro, counter, "/account")
    return out


def _run_on(label: str, database_url: str | None) -> dict:
    app = fresh_app(database_url)
    with app.app_context():
        started = time.perf_counter()
        ids = seed(random.Random(20261129))
        print(f"{label}: seeded in {time.perf_counter() - started:.1f} s")
    return pages(app, ids)


def run() -> dict:
    # BENCH_VOLUME_DATABASE_URL: a PostgreSQL database of one's own (every table in it is recreated);
    # BENCH_VOLUME_ONLY: SQLite or PostgreSQL, to measure one.
    only = os.environ.get("BENCH_VOLUME_ONLY", "")
    figures = {}
    if only in ("", "SQLite"):
        figures["SQLite"] = _run_on("SQLite", None)
    if only in ("", "PostgreSQL"):
        url = os.environ.get("BENCH_VOLUME_DATABASE_URL") or ensure_postgres_database()
        figures["PostgreSQL"] = _run_on("PostgreSQL", url)
    names = list(next(iter(figures.values())))
    rows = [(name, *(f"{figures[db_][name]['ms']:.1f} ms / {figures[db_][name]['statements']} / "
                     f"{figures[db_][name]['kb']} KB" for db_ in figures)) for name in names]
    print_table(f"Pages at volume ({SUBMISSIONS:,} submissions; ms median / SQL statements / HTML size)",
                rows, ("page", *figures))
    write_result("volume", figures)
    return figures
