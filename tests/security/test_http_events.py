"""Attacks over the real websocket: every state event with other offices' ids, roles above the
caller's, private handler names, wrong types, huge / nested payloads, NaN / Infinity, and writes
into a closed round. Each case checks the database (nothing changed) and what the server sent
back (nothing of another office leaked), and that the server is still up afterwards."""

from __future__ import annotations

import asyncio
import json
import uuid
from urllib.parse import quote

import pytest

from tests.security.http_tab import NAMES, Tab, attack, http, run

pytestmark = pytest.mark.usefixtures("http_alive")

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"x" * 500
MARK = uuid.uuid4().hex[:10]
SECRET_MESSAGE = f"SECRET-MSG-spm08-{MARK}"
SECRET_FILE = f"SECRET-FILE-spm08-{MARK}"


def upload(url: str, token: str, indicator: int, description: str, name: str = "evidence.pdf", round_id=None):
    params = f"indicator={indicator}" + (f"&round={round_id}" if round_id else "")
    headers = {
        "X-KRS-Upload": "1",
        "X-Filename": quote(name),
        "X-Description": quote(description),
        "Content-Type": "application/octet-stream",
        "Cookie": f"krs_session={token}",
    }
    return http("POST", f"{url}/api/evidence?{params}", PDF, headers)


@pytest.fixture(scope="module")
def world(http_app, http_db, http_tokens):
    """spm08's private thread message and file on 11.3 (finance's indicator), a file of spm07
    moved into a closed round, and the ids every case aims at."""
    from krs_app.services import auth, threads

    db = http_db
    ids = {
        "spm07": db.district("spm07"),
        "spm08": db.district("spm08"),
        "i113": db.indicator("11.3"),
        "i112": db.indicator("11.2"),
        "round": db.current_round(),
        "closed": db.closed_round(),
    }
    spm08 = auth.user_for_token(http_tokens["spm08"])
    threads.post_message(spm08, ids["spm08"], ids["i113"], ids["round"], SECRET_MESSAGE)
    status, _, body = upload(http_app.url, http_tokens["spm08"], ids["i113"], SECRET_FILE)
    assert status == 200, body
    ids["spm08_file"] = json.loads(body)["id"]
    status, _, body = upload(http_app.url, http_tokens["spm07"], ids["i113"], f"closed-round file {MARK}")
    assert status == 200, body
    ids["closed_file"] = json.loads(body)["id"]
    db.execute("UPDATE evidence_file SET round_id = ? WHERE id = ?", ids["closed"], ids["closed_file"])
    ids["central_var"] = db.value(
        "SELECT id FROM variable WHERE indicator_id = ? AND source = 'central' ORDER BY position", ids["i112"]
    )
    ids["district_var"] = db.value(
        "SELECT id FROM variable WHERE indicator_id = ? AND source = 'district' ORDER BY position", ids["i113"]
    )
    return ids


def spm08_thread(db, world) -> int:
    return db.value(
        "SELECT count(*) FROM message WHERE district_id = ? AND indicator_id = ?", world["spm08"], world["i113"]
    )


def assert_nothing_leaked(tab) -> None:
    text = tab.text()
    assert SECRET_MESSAGE not in text and SECRET_FILE not in text


def assert_unchanged(db, before: dict, *, allow: tuple[str, ...] = (), scope: tuple[int, ...] = ()) -> None:
    after = db.snapshot(scope)
    for key, value in before.items():
        if key not in allow:
            assert after[key] == value, f"{key} changed: {value} -> {after[key]}"


# --- cross-office reads: another district's / another bureau's thread and files ----------------


READS = [
    ("spm07", "panel", "open_comments", True),
    ("spm07", "panel", "open_evidence", True),
    ("spm07", "panel", "load_for", False),
    ("spm07", "panel", "open_badge", True),
    ("spm07", "panel", "mark_seen", False),
    ("testing", "panel", "open_comments", True),
    ("testing", "panel", "open_evidence", True),
    ("testing", "panel", "load_for", False),
    ("testing", "panel", "open_badge", True),
    ("anonymous", "panel", "open_comments", True),
    ("forged", "panel", "open_evidence", True),
]


@pytest.mark.parametrize(("who", "state", "handler", "titled"), READS)
def test_another_offices_thread_and_files_do_not_leak(
    http_app, http_db, http_tokens, world, who, state, handler, titled
):
    token = {"anonymous": None, "forged": "forged-" + "x" * 40}.get(who, http_tokens.get(who))
    payload = {"indicator_id": world["i113"], "district_id": world["spm08"], "round_id": str(world["round"])}
    if titled:
        payload["title"] = "x"
    unopened = http_db.value("SELECT count(*) FROM message WHERE district_id = ? AND opened_at IS NULL", world["spm08"])
    before = http_db.snapshot()
    tab = attack(http_app.url, token, [(state, handler, payload)])
    assert_nothing_leaked(tab)
    assert_unchanged(http_db, before)
    assert (
        http_db.value("SELECT count(*) FROM message WHERE district_id = ? AND opened_at IS NULL", world["spm08"])
        == unopened
    )


@pytest.mark.parametrize("who", ["spm07", "testing"])
def test_the_review_detail_of_another_office_does_not_leak(http_app, http_db, http_tokens, world, who):
    before = http_db.snapshot()
    tab = attack(
        http_app.url,
        http_tokens[who],
        [
            ("review", "choose_indicator", {"indicator_id": str(world["i113"])}),
            ("review", "open_detail", {"district_id": world["spm08"]}),
            ("review", "open_new", {"district_id": world["spm08"]}),
        ],
    )
    assert_nothing_leaked(tab)
    assert_unchanged(http_db, before)


def test_a_district_on_the_central_page_gets_no_other_districts_values(http_app, http_db, http_tokens, world):
    tab = attack(
        http_app.url, http_tokens["spm07"], [("central", "change_indicator", {"indicator_id": str(world["i112"])})]
    )
    assert "spp001" not in tab.text() and "spm08" not in tab.text()


# --- cross-office and above-role writes -----------------------------------------------------------


def _writes(world):
    refuse_form = {"reason": "ไม่รับรอง", "deadline": "2099-01-01"}
    choose = ("review", "choose_indicator", {"indicator_id": str(world["i113"])})
    detail = ("review", "open_detail", {"district_id": world["spm08"]})
    return {
        "district withdraws another district's file": (
            "spm07",
            [("panel", "withdraw", {"file_id": world["spm08_file"]})],
        ),
        "district registers receipt": ("spm07", [("panel", "register_receipt", {"file_id": world["spm08_file"]})]),
        "other bureau registers receipt": (
            "testing",
            [("panel", "register_receipt", {"file_id": world["spm08_file"]})],
        ),
        "kpi office registers receipt": ("kpi", [("panel", "register_receipt", {"file_id": world["spm08_file"]})]),
        "other bureau posts into the thread": (
            "testing",
            [
                ("panel", "load_for", {"indicator_id": world["i113"], "district_id": world["spm08"], "round_id": ""}),
                ("panel", "send_comment", {"form_data": {"comment": "บุกรุก"}}),
            ],
        ),
        "district certifies (role above)": (
            "spm07",
            [choose, ("review", "open_detail", {"district_id": world["spm07"]}), ("review", "certify", {})],
        ),
        "other bureau certifies": ("testing", [choose, detail, ("review", "certify", {})]),
        "other bureau refuses": ("testing", [choose, detail, ("review", "refuse", {"form_data": refuse_form})]),
        "other bureau undoes": ("testing", [choose, detail, ("review", "undo", {"form_data": {"undo_reason": "x"}})]),
        "other bureau bulk-certifies": (
            "testing",
            [
                choose,
                ("review", "toggle_selected", {"district_id": world["spm08"], "checked": True}),
                ("review", "bulk_certify", {}),
            ],
        ),
        "other bureau reminds": (
            "testing",
            [choose, ("review", "remind", {"form_data": {"remind_message": "x", "remind_deadline": "2099-01-01"}})],
        ),
        "district closes the round": ("spm07", [("home", "close_round", {})]),
        "bureau closes the round": ("finance", [("home", "close_round", {})]),
        "bureau extends a deadline": (
            "finance",
            [
                (
                    "extensions",
                    "submit",
                    {"form_data": {"district": "spm08", "indicator": "11.3", "until": "1/1/2642", "reason": "x"}},
                )
            ],
        ),
        "district extends a deadline": (
            "spm07",
            [
                (
                    "extensions",
                    "submit",
                    {"form_data": {"district": "spm07", "indicator": "11.3", "until": "1/1/2642", "reason": "x"}},
                )
            ],
        ),
        "district writes a central value": (
            "spm07",
            [("entry", "save_cell", {"variable_id": world["central_var"], "element_id": "value-11_2-b", "text": "1"})],
        ),
        "district writes on the central page": (
            "spm07",
            [
                (
                    "central",
                    "save_cell",
                    {
                        "district_id": world["spm08"],
                        "variable_id": world["central_var"],
                        "element_id": "c",
                        "text": "1",
                    },
                )
            ],
        ),
        "other bureau writes a central value": (
            "testing",
            [
                (
                    "central",
                    "save_cell",
                    {
                        "district_id": world["spm08"],
                        "variable_id": world["central_var"],
                        "element_id": "c",
                        "text": "1",
                    },
                )
            ],
        ),
        "forged import token": (
            "finance",
            [
                ("central", "change_indicator", {"indicator_id": str(world["i112"])}),
                (
                    "central",
                    "preview_received",
                    {
                        "result": {
                            "ok": True,
                            "token": "forged.token",
                            "indicator_id": world["i112"],
                            "round_id": world["round"],
                            "changes": [],
                        }
                    },
                ),
                ("central", "apply_import", {}),
            ],
        ),
        "anonymous enters a value": (
            None,
            [("entry", "save_cell", {"variable_id": world["district_var"], "element_id": "value-11_3-1", "text": "1"})],
        ),
    }


WRITE_CASES = [
    "district withdraws another district's file",
    "district registers receipt",
    "other bureau registers receipt",
    "kpi office registers receipt",
    "other bureau posts into the thread",
    "district certifies (role above)",
    "other bureau certifies",
    "other bureau refuses",
    "other bureau undoes",
    "other bureau bulk-certifies",
    "other bureau reminds",
    "district closes the round",
    "bureau closes the round",
    "bureau extends a deadline",
    "district extends a deadline",
    "district writes a central value",
    "district writes on the central page",
    "other bureau writes a central value",
    "forged import token",
    "anonymous enters a value",
]


@pytest.mark.parametrize("case", WRITE_CASES)
def test_a_write_outside_the_callers_rights_changes_nothing(http_app, http_db, http_tokens, world, case):
    """Nothing of finance's indicators (11.2, 11.3: the attacked ones) and no round changes.
    (A refused choice of indicator falls back to the caller's own; what it may do there is its right.)"""
    who, events = _writes(world)[case]
    scope = (world["i113"], world["i112"])
    before = http_db.snapshot(scope)
    tab = attack(http_app.url, http_tokens.get(who) if who else None, events)
    assert_unchanged(http_db, before, scope=scope)
    assert_nothing_leaked(tab)


def test_a_district_comment_lands_only_in_its_own_thread(http_app, http_db, http_tokens, world):
    """The district id a district sends is ignored: its message never reaches spm08's thread."""
    before = spm08_thread(http_db, world)
    tab = attack(
        http_app.url,
        http_tokens["spm07"],
        [
            (
                "panel",
                "open_comments",
                {"indicator_id": world["i113"], "district_id": world["spm08"], "round_id": "", "title": "x"},
            ),
            ("panel", "send_comment", {"form_data": {"comment": f"own thread {MARK}"}}),
        ],
    )
    assert spm08_thread(http_db, world) == before
    assert_nothing_leaked(tab)


# --- private handlers and internal setters ---------------------------------------------------------


PRIVATE = [
    ("session", "_show_user", {"user": {"role": "kpi_office", "display_name": "x", "office_name": "x"}}),
    ("session", "_user", {}),
    ("panel", "_target", {"indicator_id": 0, "district_id": 0, "title": "x"}),
    ("panel", "_load_files", {"user": None}),
    ("panel", "_file_action", {"action": None, "file_id": 1, "done": "", "failed": ""}),
    ("entry", "_reload", {"user": None}),
    ("review", "_decide", {"action": None}),
    ("home", "_live_refresh", {"change": None}),
    ("session", "set_user_role", {"value": "kpi_office"}),
    ("session", "set_session_token", {"value": "forged"}),
]


@pytest.mark.parametrize(("state", "handler", "payload"), PRIVATE, ids=[f"{s}.{h}" for s, h, _ in PRIVATE])
def test_private_and_setter_handler_names_do_nothing(http_app, http_db, http_tokens, world, state, handler, payload):
    before = http_db.snapshot()
    tab = attack(http_app.url, http_tokens["spm07"], [(state, handler, payload)], path="/entry")
    assert tab.var("session", "user_role") in (None, "district")
    assert_unchanged(http_db, before)
    assert_nothing_leaked(tab)


def test_internal_var_updates_cannot_change_who_the_tab_is_or_what_it_opens(http_app, http_db, http_tokens, world):
    panel = NAMES["panel"]
    session = NAMES["session"]
    forged = {
        f"{session}.user_role": "kpi_office",
        f"{panel}._district_id": world["spm08"],
        f"{panel}._indicator_id": world["i113"],
    }

    async def scenario():
        async with Tab(http_app.url, http_tokens["spm07"], "/entry") as tab:
            await tab.send_raw(
                {
                    "name": f"{NAMES['root']}.update_vars_internal_state.update_vars_internal",
                    "payload": {"vars": forged},
                }
            )
            await tab.send("panel", "send_comment", form_data={"comment": f"after forged vars {MARK}"})
            await tab.send("panel", "load_for", indicator_id=world["i113"], district_id=world["spm08"], round_id="")
            return tab

    before = spm08_thread(http_db, world)
    tab = run(scenario())
    assert tab.var("session", "user_role") in (None, "district")
    assert spm08_thread(http_db, world) == before
    assert_nothing_leaked(tab)


# --- wrong types, huge and nested payloads, NaN / Infinity -----------------------------------------


BAD_VALUES = [
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "Infinity",
    "1e309",
    {"$gt": 0},
    [1, 2],
    None,
    True,
    "9" * 100_000,
]


def _spm07_values(db, world) -> str:
    return db.value("SELECT count(*) || ':' || total(value) FROM value WHERE district_id = ?", world["spm07"])


@pytest.mark.parametrize("bad", BAD_VALUES, ids=[repr(v)[:20] for v in BAD_VALUES])
def test_a_bad_value_is_not_stored(http_app, http_db, http_tokens, world, bad):
    before = _spm07_values(http_db, world)
    audit = http_db.snapshot()["audit"]
    attack(
        http_app.url,
        http_tokens["spm07"],
        [("entry", "save_cell", {"variable_id": world["district_var"], "element_id": "value-11_3-1", "text": bad})],
    )
    assert _spm07_values(http_db, world) == before
    assert http_db.snapshot()["audit"] == audit


BAD_IDS = [10**30, -1, 0, 1.5, float("nan"), "1 OR 1=1", [1], {"id": 1}, None, True]


@pytest.mark.parametrize("bad", BAD_IDS, ids=[repr(v)[:20] for v in BAD_IDS])
def test_a_malformed_id_neither_leaks_nor_writes(http_app, http_db, http_tokens, world, bad):
    before = http_db.snapshot()
    tab = attack(
        http_app.url,
        http_tokens["testing"],
        [
            ("panel", "open_comments", {"indicator_id": bad, "district_id": bad, "round_id": bad, "title": bad}),
            ("panel", "withdraw", {"file_id": bad}),
            ("panel", "register_receipt", {"file_id": bad}),
        ],
    )
    assert_unchanged(http_db, before)
    assert_nothing_leaked(tab)


BAD_BODIES = [
    {"comment": "ก" * 2001},
    {"comment": {"nested": "x"}},
    {"comment": ["x"]},
    {"comment": float("nan")},
    "not a form",
    None,
]


@pytest.mark.parametrize("form", BAD_BODIES, ids=[repr(v)[:20] for v in BAD_BODIES])
def test_a_malformed_message_is_not_stored(http_app, http_db, http_tokens, world, form):
    before = http_db.snapshot()
    attack(
        http_app.url,
        http_tokens["spm07"],
        [
            ("panel", "open_comments", {"indicator_id": world["i113"], "district_id": 0, "round_id": "", "title": "x"}),
            ("panel", "send_comment", {"form_data": form}),
        ],
    )
    assert_unchanged(http_db, before)


def _nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "payload",
    [
        {"form_data": {"comment": "x" * 900_000}},  # just under the socket's 1 MB message limit
        {"form_data": {"comment": "x" * 1_200_000}},  # over it: the socket is closed
        {"form_data": _nested(20_000)},
        {"form_data": {str(i): i for i in range(50_000)}},
    ],
    ids=["900KB", "1.2MB", "nested-20000", "50000-keys"],
)
def test_huge_and_deeply_nested_payloads_store_nothing_and_keep_the_server_up(
    http_app, http_db, http_tokens, world, payload
):
    before = http_db.snapshot()

    async def scenario():
        async with Tab(http_app.url, http_tokens["spm07"], "/entry") as tab:
            await tab.send("panel", "open_comments", indicator_id=world["i113"], district_id=0, round_id="", title="x")
            try:
                await tab.send("panel", "send_comment", **payload)
            except Exception:  # noqa: BLE001 — the server may close this socket; that is a refusal
                pass

    run(scenario())
    assert_unchanged(http_db, before)
    # another, legitimate session still works
    tab = attack(http_app.url, http_tokens["spm07-second"], [("entry", "refresh", {})], path="/entry")
    assert tab.var("entry", "catalogue")


@pytest.mark.parametrize(
    "event",
    [
        {"name": 42, "payload": {}},
        {"payload": {}},
        {"name": "no.such.state.handler", "payload": {}},
        {"name": NAMES["panel"] + ".withdraw", "payload": "x"},
    ],
    ids=["name-not-text", "no-name", "unknown-handler", "payload-not-object"],
)
def test_malformed_events_change_nothing(http_app, http_db, http_tokens, event):
    before = http_db.snapshot()

    async def scenario():
        async with Tab(http_app.url, http_tokens["spm07"], "/entry") as tab:
            await tab.send_raw(event)

    run(scenario())
    assert_unchanged(http_db, before)


# --- closed is closed ------------------------------------------------------------------------------


def test_no_message_goes_into_a_closed_rounds_thread_and_the_window_offers_no_box(
    http_app, http_db, http_tokens, world
):
    before = http_db.value("SELECT count(*) FROM message WHERE round_id = ?", world["closed"])
    tab = attack(
        http_app.url,
        http_tokens["spm07"],
        [
            (
                "panel",
                "open_comments",
                {"indicator_id": world["i113"], "district_id": 0, "round_id": str(world["closed"]), "title": "x"},
            ),
            ("panel", "send_comment", {"form_data": {"comment": f"after closing {MARK}"}}),
        ],
    )
    assert tab.var("panel", "round_open") is False
    assert "ปิดแล้ว" in (tab.var("panel", "comment_error") or "")
    assert http_db.value("SELECT count(*) FROM message WHERE round_id = ?", world["closed"]) == before


def test_a_closed_rounds_file_is_neither_withdrawn_nor_registered(http_app, http_db, http_tokens, world):
    file_id = world["closed_file"]
    district = attack(
        http_app.url,
        http_tokens["spm07"],
        [
            (
                "panel",
                "open_evidence",
                {"indicator_id": world["i113"], "district_id": 0, "round_id": str(world["closed"]), "title": "x"},
            ),
            ("panel", "ask_withdraw", {"file_id": file_id}),  # ถอนไฟล์ asks first, then the confirmed withdraw
            ("panel", "withdraw", {"file_id": file_id}),
        ],
    )
    bureau = attack(
        http_app.url,
        http_tokens["finance"],
        [
            (
                "panel",
                "load_for",
                {"indicator_id": world["i113"], "district_id": world["spm07"], "round_id": str(world["closed"])},
            ),
            ("panel", "register_receipt", {"file_id": file_id}),
        ],
    )
    row = http_db.one("SELECT withdrawn_at, received_at FROM evidence_file WHERE id = ?", file_id)
    assert row["withdrawn_at"] is None and row["received_at"] is None
    assert "ปิดแล้ว" in (district.var("panel", "evidence_message") or "")
    assert "ปิดแล้ว" in (bureau.var("panel", "evidence_message") or "")
    assert bureau.var("panel", "round_open") is False
    files = bureau.var("panel", "files") or []
    closed_rows = [f for f in files if f["id"] == file_id]
    assert closed_rows and not closed_rows[0]["can_register"]


def test_the_server_survives_a_burst_of_parallel_attack_tabs(http_app, http_db, http_tokens, world):
    before = http_db.snapshot()

    async def one(i):
        async with Tab(http_app.url, http_tokens["testing"], "/review") as tab:
            await tab.send("panel", "withdraw", file_id=world["spm08_file"])
            await tab.send(
                "panel",
                "open_comments",
                indicator_id=world["i113"],
                district_id=world["spm08"],
                round_id="",
                title=str(i),
            )
            return tab

    async def burst():
        return await asyncio.gather(*(one(i) for i in range(12)))

    tabs = run(burst())
    assert_unchanged(http_db, before)
    for tab in tabs:
        assert_nothing_leaked(tab)
