"""One-time codes: a code for a fixed time (RFC 6238's own test vector), never the same window twice, the
secret read from the environment only and never repeated in any output."""

from __future__ import annotations

import base64

import pytest

from robot.errors import ConfigError
from robot.otp import OneTimeCodes, codes_from

# RFC 6238, appendix B: the SHA-1 secret "12345678901234567890"; at T=59 s the 8-digit code is 94287082.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_a_code_for_a_fixed_time_is_rfc_6238s():
    codes = OneTimeCodes(RFC_SECRET, "MAXMD_TOTP_SECRET")
    assert codes.code_at(59) == "287082"  # the vector's last six digits (6-digit codes)
    assert codes.code_at(1111111109) == "081804"
    assert codes.period == 30


def test_an_otpauth_address_carries_its_own_digits_and_period():
    codes = OneTimeCodes(f"otpauth://totp/Portal:admin?secret={RFC_SECRET}&issuer=Portal&digits=8&period=30", "PORTAL_TOTP_SECRET")
    assert codes.code_at(59) == "94287082"


def test_spaces_and_lower_case_as_an_app_shows_the_secret_are_the_same_secret():
    shown = " ".join(RFC_SECRET[i:i + 4] for i in range(0, len(RFC_SECRET), 4)).lower()
    assert OneTimeCodes(shown, "X").code_at(59) == "287082"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.waited: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.now += seconds


def test_a_second_login_in_the_same_window_waits_for_the_next_code():
    start = 1_000_000_020  # a window begins (a multiple of 30 s)
    codes, clock = OneTimeCodes(RFC_SECRET, "X"), Clock(start + 5)
    first = codes.fresh(clock.wait, clock)
    assert clock.waited == [] and first == codes.code_at(start + 5)
    clock.now += 3
    second = codes.fresh(clock.wait, clock)
    assert clock.waited and 21.9 < clock.waited[0] < 22.2  # to the next window, not longer
    assert second != first and second == codes.code_at(start + 30)


def test_after_a_refusal_the_next_windows_code_is_typed_not_the_same_one_again():
    codes, clock = OneTimeCodes(RFC_SECRET, "X"), Clock(1_000_000_025.0)
    refused = codes.fresh(clock.wait, clock)
    again = codes.next_window(clock.wait, clock)
    assert again != refused and codes.window(clock.now) == codes.window(1_000_000_025.0) + 1


def test_a_code_of_a_window_already_past_is_not_waited_for():
    codes, clock = OneTimeCodes(RFC_SECRET, "X"), Clock(1_000_000_005.0)
    codes.fresh(clock.wait, clock)
    clock.now += 60
    codes.fresh(clock.wait, clock)
    assert clock.waited == []


@pytest.mark.parametrize("bad", ["not base32 at all!", "ABC", "otpauth://hotp/x?secret=" + RFC_SECRET + "&counter=1"])
def test_a_bad_secret_fails_before_a_browser_starts_and_is_never_repeated(bad):
    with pytest.raises(ConfigError) as caught:
        OneTimeCodes(bad, "MAXMD_TOTP_SECRET")
    assert "MAXMD_TOTP_SECRET" in str(caught.value)
    assert bad not in str(caught.value) and RFC_SECRET not in str(caught.value)


def test_the_secret_is_in_no_repr_and_the_redactor_gets_every_form_of_it():
    shown = RFC_SECRET.lower()
    codes = OneTimeCodes(shown, "PORTAL_TOTP_SECRET")
    assert RFC_SECRET not in repr(codes) and shown not in repr(codes)
    assert set(codes.forms) == {shown, RFC_SECRET}


def test_the_secret_comes_from_the_environment_and_is_optional():
    assert codes_from({}, "MAXMD") is None
    assert codes_from({"MAXMD_TOTP_SECRET": "  "}, "MAXMD") is None
    assert codes_from({"MAXMD_TOTP_SECRET": RFC_SECRET}, "MAXMD").code_at(59) == "287082"
