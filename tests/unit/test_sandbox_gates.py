"""The sandbox's gates, through Flask's test client: a one-time code checked on the server (one step of
drift, a used code refused), the pages only a person can pass, the notice, the cookie banner, refusals."""

from __future__ import annotations

import pyotp
import pytest

from robot.sandbox import SKINS, Faults, Sandbox


def logged_in_to_gate(sb: Sandbox, site: str = "maxmd"):
    client = (sb.maxmd_app if site == "maxmd" else sb.portal_app).test_client()
    user, password = (sb.maxmd_username, sb.maxmd_password) if site == "maxmd" else (sb.portal_username, sb.portal_password)
    if sb.skin == "spa" and site == "portal":
        answer = client.post("/api/session", json={"username": user, "password": password})
        assert answer.json == {"next": "/login/step"}
    else:
        answer = client.post("/login", data={"username": user, "password": password})
        assert answer.headers["Location"] == "/login/step"
    return client


NOW = 1_800_000_015.0  # the sites' clock in these tests: 15 s into a time window


def code_at(sb: Sandbox, offset_s: float) -> str:
    return pyotp.TOTP(sb.totp_secret).at(NOW + offset_s)


def fixed(**faults) -> Faults:
    return Faults(clock=lambda: NOW, **faults)


@pytest.mark.parametrize("skin", SKINS)
def test_a_login_at_its_gate_is_no_login_until_the_code_is_given(skin):
    sb = Sandbox(skin=skin, faults=fixed(gates={"maxmd": ("code",)}, cookie_banner=set()))
    client = logged_in_to_gate(sb)
    assert client.get("/").headers["Location"] == "/login/step"  # every page sends it back to the gate
    page = client.get("/login/step").get_data(as_text=True)
    assert "Verification code" in page and "authenticator app" in page
    assert client.post("/login/step", data={"code": code_at(sb, 0)}).headers["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (-30, True), (30, True), (-60, False), (60, False)])
def test_one_step_of_drift_either_way_is_accepted_and_no_more(offset, accepted):
    sb = Sandbox(faults=fixed(gates={"maxmd": ("code",)}))
    client = logged_in_to_gate(sb)
    answer = client.post("/login/step", data={"code": code_at(sb, offset)})
    assert (answer.status_code == 303) == accepted
    assert sb.gate_count("maxmd", "code accepted") == int(accepted)


def test_a_code_already_used_is_refused_as_careful_sites_do():
    sb = Sandbox(faults=fixed(gates={"maxmd": ("code",)}))
    assert logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, 0)}).status_code == 303
    again = logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, 0)})  # the same window's code: used
    assert again.status_code == 200 and "already been used" in again.get_data(as_text=True)
    older = logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, -30)})  # an older window's: used too
    assert older.status_code == 200
    assert logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, 30)}).status_code == 303
    assert sb.gate_count("maxmd", "used code refused") == 2
    assert sb.code_windows("maxmd") == [int(NOW // 30)] * 2 + [int(NOW // 30) - 1, int(NOW // 30) + 1]


def test_a_code_another_device_used_first_is_refused_whatever_its_window():
    sb = Sandbox(faults=fixed(gates={"maxmd": ("code",)}))
    sb.use_code("maxmd")
    assert logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, 0)}).status_code == 200
    assert logged_in_to_gate(sb).post("/login/step", data={"code": code_at(sb, 30)}).status_code == 303


@pytest.mark.parametrize("gate", ["emailed-code", "push", "captcha"])
def test_what_only_a_person_can_give_is_never_accepted(gate):
    sb = Sandbox(faults=Faults(gates={"portal": (gate,)}))
    client = logged_in_to_gate(sb, "portal")
    assert client.post("/login/step", data={"code": "123456", "answer": "continue"}).status_code == 200
    assert client.get("/home").headers["Location"] == "/login/step"


def test_the_notice_is_passed_by_remind_me_later_and_change_password_is_counted():
    sb = Sandbox(faults=Faults(gates={"portal": ("notice",)}))
    client = logged_in_to_gate(sb, "portal")
    assert "Change password now" in client.get("/login/step").get_data(as_text=True)
    client.get("/account/password")
    assert sb.gate_count("portal", "change password opened") == 1
    assert client.post("/login/step", data={"answer": "later"}).headers["Location"] == "/home"


def test_the_cookie_banner_lies_over_every_page_until_accepted():
    sb = Sandbox(faults=Faults(cookie_banner={"maxmd"}))
    client = sb.maxmd_app.test_client()
    assert "Accept all" in client.get("/login").get_data(as_text=True)  # the default skin's consent wall
    client.set_cookie("maxmd_cookie_consent", "1")
    assert "Accept all" not in client.get("/login").get_data(as_text=True)
    assert "Accept all" not in sb.portal_app.test_client().get("/login").get_data(as_text=True)


@pytest.mark.parametrize(("refusal", "words"), [("locked", "has been locked"), ("elsewhere", "already signed in")])
def test_a_refused_login_says_so_whatever_the_password(refusal, words):
    sb = Sandbox(faults=Faults(login_refusal={"maxmd": refusal}))
    answer = sb.maxmd_app.test_client().post("/login", data={"username": sb.maxmd_username, "password": sb.maxmd_password})
    assert words in answer.get_data(as_text=True)


def test_only_the_spa_rendering_has_gates_of_its_own():
    assert Sandbox(skin="spa").faults.gates == {"maxmd": ("code",), "portal": ("notice",)}
    assert Sandbox(skin="spa").faults.cookie_banner == {"portal"}
    assert all(Sandbox(skin=s).faults.gates == {} for s in SKINS if s != "spa")
    assert Sandbox(skin="spa", faults=Faults(gates={})).faults.gates == {}


def test_the_sandbox_command_line_turns_each_gate_on():
    from robot.sandbox.__main__ import _site_map, _sites, build_parser

    args = build_parser().parse_args(["--gate", "maxmd=code,device", "--gate", "portal=notice", "--cookie-banner", "portal",
                                      "--login-refusal", "maxmd=locked"])
    assert _site_map(args.gate, ("code", "device", "notice"), "--gate") == {"maxmd": ("code", "device"), "portal": ("notice",)}
    assert _sites(args.cookie_banner) == {"portal"}
    assert _site_map(build_parser().parse_args([]).gate, (), "--gate") is None  # not given: the rendering's own
    with pytest.raises(SystemExit, match="KIND one of"):
        _site_map(["maxmd=sms"], ("code",), "--gate")
    with pytest.raises(SystemExit, match="maxmd or portal"):
        _sites(["both"])
