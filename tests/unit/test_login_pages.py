"""What a page between a login and the first screen is, by its words, and which answer the robot may give."""

from __future__ import annotations

import pytest

from robot import login_pages as lp
from robot.errors import ConfigError
from robot.settings import load

D = lp.DEFAULT_ANSWERS


def judge(words: str = "", buttons: tuple[str, ...] = (), **seen) -> lp.Verdict:
    return lp.judge(lp.Seen(words=words, buttons=buttons, **seen), D)


@pytest.mark.parametrize(("words", "buttons", "code_field", "kind"), [
    ("Two-step verification. Enter the 6-digit code from your authenticator app. Use a text message instead",
     ("Verify", "Use a text message instead"), True, lp.CODE),
    ("Enter your verification code", ("Continue",), True, lp.CODE),
    ("Check your e-mail. We sent a 6-digit code to d••••@brightsideeye.com.", ("Verify",), True, lp.EMAILED),
    ("We've texted a code to the phone number ending in 42.", ("Verify",), True, lp.EMAILED),
    ("We sent a push notification to your phone. Approve the sign-in request to continue.", ("Send it again",), False, lp.PUSH),
    ("One more step. Verify that you are human before you continue. I'm not a robot", ("Continue",), False, lp.CAPTCHA),
    ("Your account has been locked after too many failed sign-in attempts.", ("OK",), False, lp.LOCKED),
    ("This account is already signed in on another device.", ("Continue",), False, lp.ELSEWHERE),
    ("Your password expires in 5 days.", ("Change password now", "Remind me later"), False, lp.ANSWER),
    ("Remember this device?", ("Yes, remember this device", "Not now"), False, lp.ANSWER),
    ("Please update your profile", ("Update your profile",), False, lp.UNKNOWN),
    ("Loading…", (), False, lp.UNKNOWN),
])
def test_a_page_is_judged_by_its_words(words, buttons, code_field, kind):
    assert judge(words, buttons, code_field=code_field, fields=int(code_field)).kind == kind


@pytest.mark.parametrize(("words", "buttons", "fields", "kind"), [
    # ordinary words that must not stop a login
    ("Two-step verification. Enter your verification code. Locked out? Use a recovery code.", ("Verify",), 1, lp.CODE),
    ("Your password expires in 5 days. After too many failed login attempts your account will be locked.", ("OK",), 0, lp.ANSWER),
    ("Welcome. This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.", ("Continue",), 0, lp.ANSWER),
    ("Terms of use. Concurrent sessions are not permitted by this agreement.", ("I understand",), 0, lp.ANSWER),
    ("Your password expires soon. We have sent a reminder to your email.", ("Remind me later",), 0, lp.ANSWER),
    # and what a person must pass, even where an authenticator is offered too
    ("We texted a code to the number ending in 42. Or use your authenticator app.", ("Verify",), 1, lp.EMAILED),
    ("Sign in. Username Password", ("Sign in",), 2, lp.LOGIN_AGAIN),
])
def test_ordinary_words_do_not_stop_a_login_and_a_sent_code_does(words, buttons, fields, kind):
    code = kind == lp.CODE
    seen = lp.Seen(words=words, buttons=buttons, fields=fields, code_field=code, password_field=kind == lp.LOGIN_AGAIN)
    assert lp.judge(seen, D).kind == kind


@pytest.mark.parametrize(("label", "asks"), [
    ("Verification code", True), ("Enter the 6-digit code from your authenticator app", True), ("One-time passcode", True),
    ("Security code", True), ("ZIP code", False), ("Postal code", False), ("Promo code", False), ("Country code", False),
])
def test_a_code_field_is_one_of_a_one_time_code_never_a_zip_code(label, asks):
    from pages.locators import _CODE_WORDS

    assert bool(_CODE_WORDS.search(label)) == asks


def test_a_refused_code_is_told_by_the_sites_words():
    assert lp.code_refused("That code is not valid or has already been used.")
    assert lp.code_refused("Incorrect code. Try again.")
    assert not lp.code_refused("Verifying…") and not lp.code_refused("")


def test_the_declining_answer_is_taken_never_the_way_away():
    assert judge("Your password expires in 5 days.", ("Change password now", "Remind me later")).answer == "Remind me later"
    assert judge("Remember this device?", ("Yes, remember this device", "Not now")).answer == "Not now"
    assert judge("", ("Change password now",)).kind == lp.UNKNOWN
    assert lp.choose(["No, thanks!"], D) == "No, thanks!"  # punctuation and case as the page has them


def test_the_first_screen_ends_it_unless_a_dialog_with_a_safe_answer_lies_over_it():
    assert judge("Your account is locked (2 users)", ("Details",), first_screen=True).kind == lp.FIRST_SCREEN
    over = judge("Home", ("Details", "OK"), first_screen=True, dialog_buttons=("OK",))
    assert (over.kind, over.answer) == (lp.ANSWER, "OK")
    assert judge("Home", ("Details", "OK"), first_screen=True).kind == lp.FIRST_SCREEN  # an OK of the page itself: left alone


def test_a_captcha_services_frame_is_a_captcha():
    assert judge("Security check", ("Continue",), captcha_frame=True).kind == lp.CAPTCHA


def test_a_refused_login_that_no_second_try_changes_is_told_apart():
    assert lp.refusal("The username or password is incorrect.") is None
    assert lp.refusal("Your account has been locked. Contact your administrator.").kind == lp.LOCKED
    assert lp.refusal("You are already logged in on another browser.").kind == lp.ELSEWHERE
    said = lp.refusal("Welcome back. Too many failed login attempts. Try again in 15 minutes.").said
    assert said == "Too many failed login attempts. Try again in 15 minutes."
    assert lp.refusal("Wrong password. After 5 failed attempts your account will be locked. Try again.") is None


def test_after_login_in_robot_yaml_narrows_or_extends_the_answers():
    assert lp.answers_from_config(None, "w") == D
    assert lp.answers_from_config(["OK", "Dismiss"], "w") == ("OK", "Dismiss")
    extended = lp.answers_from_config({"add": ["Dismiss"], "remove": ["Accept", "No"]}, "w")
    assert extended[-1] == "Dismiss" and "Accept" not in extended and "No" not in extended and "Remind me later" in extended


@pytest.mark.parametrize(("value", "said"), [
    (["Change password now"], "leads away"),
    ({"add": ["Update your profile"]}, "leads away"),
    ({"add": ["Log out"]}, "leads away"),
    ({"remove": ["Frobnicate"]}, "not one of the default answers"),
    ({"also": ["OK"]}, "unknown key"),
    ("OK", "expected a list"),
    ([3], "expected a list"),
])
def test_a_bad_after_login_is_refused_before_a_browser_starts(value, said):
    with pytest.raises(ConfigError, match=said):
        lp.answers_from_config(value, "robot.yaml: run.after_login")


def test_robot_yaml_gives_after_login_and_refuses_a_secret(tmp_path):
    (tmp_path / "robot.yaml").write_text("run:\n  after_login: [OK]\n", encoding="utf-8")
    assert load(tmp_path / "robot.yaml", environ={}, dotenv_path=None, force_sandbox=True).after_login == ("OK",)
    (tmp_path / "robot.yaml").write_text("sites:\n  maxmd_totp_secret: JBSWY3DPEHPK3PXP\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="never read from YAML") as caught:
        load(tmp_path / "robot.yaml", environ={}, dotenv_path=None, force_sandbox=True)
    assert "JBSWY3DPEHPK3PXP" not in str(caught.value)


def test_the_totp_secret_comes_from_the_environment_and_is_redacted(tmp_path):
    (tmp_path / "robot.yaml").write_text("practice:\n  name: X\n", encoding="utf-8")
    env = {"MAXMD_URL": "https://maxmd.example/login", "MAXMD_USERNAME": "a", "MAXMD_PASSWORD": "p",
           "PORTAL_URL": "https://portal.example/login", "PORTAL_USERNAME": "b", "PORTAL_PASSWORD": "q",
           "PORTAL_TOTP_SECRET": "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"}
    settings = load(tmp_path / "robot.yaml", environ=env, dotenv_path=None)
    assert settings.maxmd.codes is None and settings.portal.codes is not None
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in settings.secrets()
    assert env["PORTAL_TOTP_SECRET"] in settings.secrets()
    assert "JBSW" not in repr(settings.portal)
    env["MAXMD_TOTP_SECRET"] = "0000-not-base32"
    with pytest.raises(ConfigError, match="MAXMD_TOTP_SECRET is not a one-time-code secret") as caught:
        load(tmp_path / "robot.yaml", environ=env, dotenv_path=None)
    assert "0000-not-base32" not in str(caught.value)
