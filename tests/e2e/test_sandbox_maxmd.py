"""The MaxMD sandbox in headless Chromium, walked the way a person (and the robot) would: by visible words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from robot.sandbox import SEEDED_NPIS, Sandbox

pytestmark = pytest.mark.e2e

JANE_DIRECT = "jane.okafor@direct.brightsideeye.com"


def sign_in(page: Page, sb: Sandbox) -> None:
    page.get_by_label("Username").fill(sb.maxmd_username)
    page.get_by_label("Password").fill(sb.maxmd_password)
    page.get_by_role("button", name="Sign In").click()


def test_wrong_password_is_refused(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.maxmd_url)
    expect(page.get_by_role("heading", name="MaxMD Provisioning Tool")).to_be_visible()
    page.get_by_label("Username").fill(sandbox.maxmd_username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid username or password.")
    expect(page.get_by_label("Password")).to_be_empty()


def test_walk_every_screen(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.maxmd_url)
    sign_in(page, sandbox)

    # Step 3: home, then Details.
    expect(page.get_by_role("heading", name="Brightside Eye Care")).to_be_visible()
    expect(page.get_by_text("Account Overview")).to_be_visible()
    page.get_by_role("link", name="Details", exact=True).click()
    expect(page.get_by_role("heading", name="Identity Proofing Information")).to_be_visible()
    expect(page.get_by_text("Brightside Eye Care, PLLC")).to_be_visible()
    expect(page.get_by_text(sandbox.state.practice.organization_npi)).to_be_visible()
    expect(page.get_by_text("Verified", exact=True).first).to_be_visible()

    # Step 4: the link at the bottom of the page.
    page.get_by_role("link", name="Click to view status of provisioning workflows").click()
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
    providers = page.get_by_role("list", name="Provisioned providers").get_by_role("listitem")
    expect(providers).to_have_count(8)

    # Step 5: the Direct address in the green box on the right.
    jane = providers.filter(has=page.get_by_role("heading", name="Jane Okafor, OD"))
    expect(jane.get_by_text(f"NPI: {SEEDED_NPIS['Jane Okafor']}")).to_be_visible()
    expect(jane.get_by_text("Workflow status: Complete")).to_be_visible()
    box = jane.get_by_text(JANE_DIRECT, exact=True)
    expect(box).to_be_visible()
    entry_box, address_box = jane.bounding_box(), box.bounding_box()
    assert entry_box and address_box
    assert address_box["x"] > entry_box["x"] + entry_box["width"] / 2  # on the right
    green = box.evaluate("el => getComputedStyle(el).backgroundColor")
    red, grn, blue = (int(v) for v in re.findall(r"\d+", green)[:3])
    assert grn > red and grn > blue  # a green box

    grace = providers.filter(has=page.get_by_role("heading", name="Grace Whitfield, OD"))
    expect(grace.get_by_text("Workflow status: Pending")).to_be_visible()
    expect(grace.get_by_text("Provisioning in progress")).to_be_visible()
    expect(grace.get_by_text("@")).to_have_count(0)

    ortiz = providers.filter(has=page.get_by_role("heading", name="Samuel Ortiz, OD"))
    expect(ortiz.get_by_text("NPI:")).to_have_count(0)
    expect(ortiz.get_by_text("samuel.ortiz@direct.brightsideeye.com", exact=True)).to_be_visible()
    expect(providers.filter(has_text="Helen Park")).to_have_count(0)

    page.get_by_role("link", name="Sign Out").click()
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have been signed out.")


def test_deep_link_goes_through_login(page: Page, sandbox: Sandbox) -> None:
    page.goto(sandbox.maxmd_url.replace("/login", "/workflows"))
    expect(page.get_by_role("heading", name="MaxMD Provisioning Tool")).to_be_visible()
    sign_in(page, sandbox)
    expect(page.get_by_role("heading", name="Provisioning Workflows")).to_be_visible()
