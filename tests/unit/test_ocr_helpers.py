"""The OCR tests' comparison and their missing-Tesseract failure (tests/ocr_helpers.py), without running Tesseract."""

from __future__ import annotations

from pathlib import Path

import pytest
from ocr_helpers import INSTALL_HINT, require_tesseract, shows, squeezed, tesseract_command

ADDRESS = "christopher.konstantinopoulou-reyes@direct.brightsideeye.com"


def test_the_comparison_ignores_whitespace_and_case_and_reads_back_the_usual_confusions() -> None:
    assert shows("Direct Address\n christopher. konstantinopoulou—reyes@direct .brightsideeye.com |", ADDRESS)
    assert shows("MARK.SMITH©DIRECT.BRIGHTSIDEEYE.COM", "mark.smith@direct.brightsideeye.com")
    assert squeezed(" A b\tC\n") == "abc"


@pytest.mark.parametrize("cut", range(1, len(ADDRESS)))
def test_an_address_cut_anywhere_never_matches(cut: int) -> None:
    """Whatever the picture shows of the beginning, and whatever follows it on the line, the whole is needed."""
    shown = ADDRESS[:cut]
    for text in (shown, f"{shown} The provider's Direct e-mail address from MaxMD.", f"{shown}|", f"{shown}...",
                 f"Direct Address {shown}\nChange Direct Password"):
        assert not shows(text, ADDRESS), text


def test_a_missing_tesseract_fails_saying_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TESSERACT_CMD", str(tmp_path / "no-tesseract"))
    assert tesseract_command() is None
    with pytest.raises(pytest.fail.Exception) as failed:  # a failure, never a skip
        require_tesseract()
    assert "tesseract is not installed" in str(failed.value) and INSTALL_HINT in str(failed.value)
    assert "apt-get install -y tesseract-ocr" in INSTALL_HINT and "make test" in INSTALL_HINT
