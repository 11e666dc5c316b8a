"""Interactive checklists in a real browser, on the built site served over HTTP.

Most tests share the session's real site; the rebuild test builds its own small project
twice into one served folder, so the origin (and the browser's localStorage) stays put.
Every tab also checks that no request left the site's origin and that checklist.js never
threw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from tests.checklist_tab import STORAGE_PREFIX, ChecklistPage, Tab, checklist_pages
from tests.support import (
    FIXTURES,
    Served,
    build_served,
    copy_project,
    own_assets_gzipped,
    real_corpus,
    serve_folder,
)

BUDGET_BYTES = 8 * 1024
WARNING = "will not be saved"


@pytest.fixture(scope="module")
def pair() -> tuple[ChecklistPage, ChecklistPage]:
    """The longest checklist and a sibling from the same playbook (one link apart)."""
    pages = checklist_pages(real_corpus())
    for main in pages:
        playbook = main.key.split("/")[0]
        siblings = [p for p in pages if p != main and p.key.startswith(playbook + "/")]
        if len(main.items) >= 3 and len(main.phases) >= 2 and siblings:
            return main, siblings[0]
    raise AssertionError("the corpus needs a playbook with two checklists, one of 3+ items")


@pytest.fixture(scope="module")
def main(pair) -> ChecklistPage:
    return pair[0]


@pytest.fixture
def context(browser) -> Iterator[Any]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def tab(context, site) -> Tab:
    return Tab.open(context, site.url)


def playbook_path(checklist: ChecklistPage) -> str:
    return checklist.path.rstrip("/").rsplit("/", 1)[0] + "/"


def link_to(checklist: ChecklistPage) -> str:
    """The playbook page's link to a checklist (Material makes links absolute on navigation)."""
    return f'.md-content a[href$="/{checklist.path}"], .md-content a[href="{checklist.slug}/"]'


def tick(tab: Tab, checklist: ChecklistPage, item: str) -> None:
    """Click the item's label, as a reader does."""
    box_id = tab.page.get_attribute(checklist.box(item), "id")
    tab.page.locator(f'label[for="{box_id}"]').click()


def test_the_sites_own_scripts_and_styles_download_in_8_kb():
    """What readers download of ours (vendored code aside), gzipped as servers send it."""
    sizes = own_assets_gzipped()
    assert {"checklist.js", "checklist.css", "site.css", "print.css"} <= set(sizes)
    assert sum(sizes.values()) <= BUDGET_BYTES, sizes


def test_every_click_updates_the_counts_and_ticks_survive_a_reload(tab, main):
    tab.goto(main.path)
    page, total = tab.page, len(main.items)
    assert tab.progress() == f"0 of {total} done"
    assert page.get_attribute("[data-checklist-progress]", "aria-live") == "polite"
    phase_of = [phase for phase, count in main.phases for _ in range(count)]
    done_in = dict.fromkeys(dict(main.phases), 0)
    for done, (item, phase) in enumerate(zip(main.items, phase_of, strict=True), 1):
        assert page.locator(main.box(item)).evaluate("box => box.labels.length") == 1
        tick(tab, main, item)
        done_in[phase] += 1
        assert tab.progress() == f"{done} of {total} done"
        assert tab.phase_progress() == {
            phase: f"{done_in[phase]} of {count} done" for phase, count in main.phases
        }
    tick(tab, main, main.items[0])  # untick
    assert tab.progress() == f"{total - 1} of {total} done"
    fill = page.locator(".checklist-bar-fill").evaluate("bar => bar.style.width")
    assert float(fill.removesuffix("%")) == pytest.approx(100 * (total - 1) / total, abs=0.01)
    assert sorted(tab.stored(main.key)["ticked"]) == sorted(main.items[1:])

    tab.page.reload()
    tab.page.wait_for_selector(main.ready)
    assert tab.ticked(main) == list(main.items[1:])
    assert tab.progress() == f"{total - 1} of {total} done"
    tab.assert_clean()


def test_ticks_survive_following_links_and_the_back_button(tab, pair):
    main, sibling = pair
    tab.goto(main.path)
    tick(tab, main, main.items[0])
    tick(tab, main, main.items[-1])
    ticked = [main.items[0], main.items[-1]]

    tab.follow(".checklist-intro a", playbook_path(main), "#checklists")
    tab.follow(link_to(sibling), sibling.path, sibling.ready)
    assert tab.progress() == f"0 of {len(sibling.items)} done"  # its own state
    tick(tab, sibling, sibling.items[0])

    tab.page.go_back()
    tab.page.wait_for_selector("#checklists")
    tab.page.go_back()
    tab.page.wait_for_selector(main.ready)
    assert tab.page.url == tab.base_url + main.path
    assert tab.ticked(main) == ticked
    assert tab.progress() == f"2 of {len(main.items)} done"

    tab.follow(".checklist-intro a", playbook_path(main), "#checklists")
    tab.follow(link_to(sibling), sibling.path, sibling.ready)
    assert tab.ticked(sibling) == [sibling.items[0]]
    tab.assert_clean()


def write_checklist(root: Path, checklist: dict[str, Any]) -> None:
    """The fixture playbook with ``checklist`` as its only checklist."""
    path = root / "playbooks" / "minimal.yml"
    playbook = yaml.safe_load((FIXTURES / "minimal" / "minimal.yml").read_text(encoding="utf-8"))
    playbook["checklists"] = [checklist]
    path.write_text(yaml.safe_dump(playbook, sort_keys=False), encoding="utf-8")


def rebuild_with(root: Path, served: Served, checklist: dict[str, Any]) -> None:
    """Rebuild the served site with ``checklist`` as the fixture's only checklist."""
    write_checklist(root, checklist)
    assert build_served(root, served) == 0


def steps(
    *ids: str, renamed: dict[str, list[str]] | None = None, reworded: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    renamed = renamed or {}
    return [
        {
            "id": id,
            "text": f"Step {id}, reworded." if id in reworded else f"Step {id}.",
            **({"renamed_from": renamed[id]} if id in renamed else {}),
        }
        for id in ids
    ]


BEFORE_REBUILD = {
    "id": "seller",
    "title": "Rebuild checklist",
    "audience": "sellers",
    "summary": "Ticks follow ids.",
    "before": steps("alpha", "bravo", "charlie"),
    "during": steps("delta", "echo"),
}
# delta moves to the top, foxtrot is new where bravo was, bravo is removed, charlie is
# renamed, echo is retired on purpose.
AFTER_REBUILD = {
    **BEFORE_REBUILD,
    "before": steps("delta", "foxtrot", "alpha"),
    "during": steps("charlie-2", renamed={"charlie-2": ["charlie"]}),
    "retired": ["echo"],
}


def test_ticks_follow_item_ids_across_a_rebuild(browser, tmp_path):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    served = serve_folder(root / "site")
    context = browser.new_context()
    try:
        rebuild_with(root, served, BEFORE_REBUILD)
        before = ChecklistPage(
            "playbooks/basics/minimal/seller/",
            "minimal/seller",
            ("alpha", "bravo", "charlie", "delta", "echo"),
            (("before", 3), ("during", 2)),
        )
        tab = Tab.open(context, served.url)
        tab.goto(before.path)
        for item in ("alpha", "bravo", "charlie", "echo"):
            tick(tab, before, item)
        assert tab.progress() == "4 of 5 done"

        rebuild_with(root, served, AFTER_REBUILD)
        after = ChecklistPage(
            before.path,
            before.key,
            ("delta", "foxtrot", "alpha", "charlie-2"),
            (("before", 3), ("during", 1)),
        )
        tab.page.reload()
        tab.page.wait_for_selector(after.ready)
        assert tab.page.locator("input[data-item]").count() == 4
        assert tab.ticked(after) == ["alpha", "charlie-2"]
        assert tab.progress() == "2 of 4 done"
        assert tab.phase_progress() == {"before": "1 of 3 done", "during": "1 of 1 done"}
        # The tick moved to the new name; the removed item's stays, unused; the retired one goes.
        assert sorted(tab.stored(after.key)["ticked"]) == ["alpha", "bravo", "charlie-2"]
        tab.assert_clean()
    finally:
        context.close()
        served.stop()


CHANGES = "[data-checklist-changes]"


def marks(tab: Tab) -> dict[str, str]:
    """Each marked item's id and its mark, "changed" or "new"."""
    return tab.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(".checklist-item")]
            .filter((item) => "changed" in item.dataset || "new" in item.dataset)
            .map((item) => [item.querySelector("[data-item]").dataset.item.split("/").pop(),
                            "changed" in item.dataset ? "changed" : "new"]))"""
    )


def test_a_returning_reader_sees_what_changed_since_their_ticks(browser, tmp_path):
    """Tick, rebuild with one ticked step reworded, one unticked step reworded and one step
    added, come back: the ticked step is marked changed, the added one new, and nothing else."""
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    served = serve_folder(root / "site")
    context = browser.new_context()
    checklist = {**BEFORE_REBUILD, "before": steps("alpha", "bravo", "charlie"), "during": []}
    try:
        rebuild_with(root, served, checklist)
        before = ChecklistPage(
            "playbooks/basics/minimal/seller/",
            "minimal/seller",
            ("alpha", "bravo", "charlie"),
            (("before", 3),),
        )
        tab = Tab.open(context, served.url)
        tab.goto(before.path)
        assert marks(tab) == {} and tab.page.locator(CHANGES).inner_text() == ""
        tick(tab, before, "alpha")
        tick(tab, before, "bravo")

        reworded = steps("alpha", "bravo", "charlie", reworded=("alpha", "charlie"))
        rebuild_with(root, served, {**checklist, "before": reworded, "during": steps("golf")})
        after = ChecklistPage(
            before.path,
            before.key,
            ("alpha", "bravo", "charlie", "golf"),
            (("before", 3), ("during", 1)),
        )
        tab.page.reload()
        tab.page.wait_for_selector(after.ready)
        assert marks(tab) == {"alpha": "changed", "golf": "new"}
        changes = tab.page.locator(CHANGES)
        assert changes.inner_text() == "1 step changed and 1 new since your last visit"
        assert changes.get_attribute("aria-live") == "polite"
        changed = tab.page.get_by_role("checkbox", name=re.compile("^Changed since you ticked it"))
        assert changed.get_attribute("data-item") == "minimal/seller/alpha"
        assert tab.page.get_by_text("Changed since you ticked it", exact=True).is_visible()
        assert tab.page.get_by_text("New since your last visit", exact=True).is_visible()
        assert tab.ticked(after) == ["alpha", "bravo"]

        tab.follow(".checklist-intro a", "playbooks/basics/minimal/", "#checklists")
        tab.follow(link_to(after), after.path, after.ready)
        assert marks(tab) == {"alpha": "changed", "golf": "new"}  # after following links

        tab.page.get_by_role("button", name="Mark as seen").click()
        assert marks(tab) == {}
        assert changes.inner_text() == ""
        assert not tab.page.get_by_role("button", name="Mark as seen").is_visible()
        assert tab.message() == "Marked as seen."
        assert tab.ticked(after) == ["alpha", "bravo"]
        tab.page.reload()
        tab.page.wait_for_selector(after.ready)
        assert marks(tab) == {}
        assert tab.ticked(after) == ["alpha", "bravo"]
        tab.assert_clean()
    finally:
        context.close()
        served.stop()


def test_ticks_stored_before_fingerprints_are_kept_unmarked_and_given_fingerprints(tab, main):
    """Data in the format of before (ticks only) is read as it is: no mark that first time."""
    tab.goto(main.path)
    legacy = json.dumps({"ticked": [main.items[0], "left-the-page"]})
    tab.page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)", [STORAGE_PREFIX + main.key, legacy]
    )
    tab.page.reload()
    tab.page.wait_for_selector(main.ready)
    assert tab.ticked(main) == [main.items[0]]
    assert marks(tab) == {}
    assert tab.page.locator(CHANGES).inner_text() == ""
    stored = tab.stored(main.key)
    assert stored["ticked"] == sorted([main.items[0], "left-the-page"])
    hash_of = tab.page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-item]')]"
        ".map((box) => [box.dataset.item.split('/').pop(), box.dataset.hash]))"
    )
    assert stored["tickedAs"] == {main.items[0]: hash_of[main.items[0]]}
    assert stored["seen"] == dict(sorted(hash_of.items()))
    tab.assert_clean()


def test_a_tick_in_one_tab_shows_in_the_other_at_once(context, site, main):
    first, second = Tab.open(context, site.url), Tab.open(context, site.url)
    for tab in (first, second):
        tab.goto(main.path)
    tick(first, main, main.items[0])
    second.page.wait_for_function(
        "box => document.querySelector(box).checked", arg=main.box(main.items[0])
    )
    assert second.progress() == f"1 of {len(main.items)} done"
    tick(second, main, main.items[1])
    first.page.wait_for_function(
        "box => document.querySelector(box).checked", arg=main.box(main.items[1])
    )
    assert first.ticked(main) == list(main.items[:2])
    first.assert_clean()
    second.assert_clean()


COUNT_WRITES = f"""
window.__writes = 0;
const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (key, value) {{
  if (key.startsWith("{STORAGE_PREFIX}")) window.__writes += 1;
  return setItem.call(this, key, value);
}};
"""
"""Counts the checklists' writes to storage (Material keeps its own state there too)."""


def test_tabs_from_builds_with_different_orders_agree_and_fall_quiet(browser, tmp_path):
    """A tab opened before a deploy and one opened after list the items in another order.
    Each writes what it sees; if each wrote its own order, they would undo each other's
    write forever, one storage event after the other."""
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    served = serve_folder(root / "site")
    context = browser.new_context()
    context.add_init_script(COUNT_WRITES)
    try:
        checklist = ChecklistPage(
            "playbooks/basics/minimal/seller/",
            "minimal/seller",
            ("alpha", "bravo", "charlie"),
            (("before", 3),),
        )
        tabs = []
        for order in (("alpha", "bravo", "charlie"), ("charlie", "bravo", "alpha")):
            rebuild_with(root, served, {**BEFORE_REBUILD, "before": steps(*order), "during": []})
            tabs.append(Tab.open(context, served.url))
            tabs[-1].goto(checklist.path)
        old, new = tabs
        tick(old, checklist, "alpha")
        tick(old, checklist, "charlie")
        new.page.wait_for_function("document.querySelectorAll('[data-item]:checked').length == 2")
        writes = [tab.page.evaluate("window.__writes") for tab in tabs]
        old.page.wait_for_timeout(1000)  # room for a ping-pong to show itself
        assert [tab.page.evaluate("window.__writes") for tab in tabs] == writes
        assert writes[1] == 0  # the new tab agreed with what it read
        stored = new.stored(checklist.key)
        assert stored["ticked"] == ["alpha", "charlie"]
        assert sorted(stored["seen"]) == ["alpha", "bravo", "charlie"]
        assert sorted(stored["tickedAs"]) == ["alpha", "charlie"]
        for tab in tabs:
            tab.assert_clean()
    finally:
        context.close()
        served.stop()


def throwing(statement: str) -> str:
    # An Error (not a DOMException) keeps a stack, so Tab can tell whose code threw.
    return statement.replace("THROW", "throw new Error('storage refused by the test')")


STORAGE_FAILURES = {
    "disabled": throwing("Object.defineProperty(window, 'localStorage', {get() { THROW; }});"),
    "full": throwing("Storage.prototype.setItem = function () { THROW; };"),
}


@pytest.mark.parametrize("failure", sorted(STORAGE_FAILURES))
def test_failing_storage_keeps_ticks_in_memory_and_says_so_once(browser, site, pair, failure):
    main, _ = pair
    context = browser.new_context()
    context.add_init_script(STORAGE_FAILURES[failure])
    tab = Tab.open(context, site.url)
    tab.goto(main.path)
    for done, item in enumerate(main.items[:3], 1):
        tick(tab, main, item)
        assert tab.progress() == f"{done} of {len(main.items)} done"
    warning = tab.page.get_by_text(WARNING)
    assert warning.count() == 1 and warning.is_visible()
    assert warning.get_attribute("role") == "status"
    assert "export or print them" in warning.inner_text()
    tick(tab, main, main.items[0])  # untick: the other ticks live on in the open page
    assert tab.ticked(main) == list(main.items[1:3])
    assert tab.page.get_by_text(WARNING).count() == 1
    tab.assert_clean()
    context.close()


def test_corrupt_storage_is_left_alone_until_the_reader_resets(tab, main):
    key, corrupt = "outage-playbooks:v1:" + main.key, '{"ticked": "not a list'
    tab.goto(main.path)
    tab.page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, corrupt])
    tab.page.reload()
    tab.page.wait_for_selector(main.ready)
    assert tab.page.get_by_text(WARNING).is_visible()
    tick(tab, main, main.items[0])
    assert tab.progress() == f"1 of {len(main.items)} done"
    stored_raw = "key => localStorage.getItem(key)"
    assert tab.page.evaluate(stored_raw, key) == corrupt  # nothing overwritten silently

    tab.page.once("dialog", lambda dialog: dialog.dismiss())
    tab.page.get_by_role("button", name="Reset").click()
    assert tab.progress() == f"1 of {len(main.items)} done"
    tab.page.once("dialog", lambda dialog: dialog.accept())
    tab.page.get_by_role("button", name="Reset").click()
    assert tab.progress() == f"0 of {len(main.items)} done"
    assert tab.message() == "All ticks cleared."
    assert tab.page.get_by_text(WARNING).count() == 0
    tick(tab, main, main.items[1])
    assert tab.stored(main.key)["ticked"] == [main.items[1]]
    tab.assert_clean()


def test_export_then_import_on_another_device(browser, site, main):
    first, second = browser.new_context(), browser.new_context()
    source = Tab.open(first, site.url)
    source.goto(main.path)
    for item in (main.items[0], main.items[2]):
        tick(source, main, item)
    with source.page.expect_download() as download:
        source.page.get_by_role("button", name="Export progress").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename.endswith(".json")
    assert exported["format"] == "outage-playbooks-checklist" and exported["version"] == 1
    assert exported["checklist"] == main.key
    assert exported["ticked"] == [main.items[0], main.items[2]]

    target = Tab.open(second, site.url)
    target.goto(main.path)
    tick(target, main, main.items[1])  # a tick already on this device is kept
    with target.page.expect_file_chooser() as chooser:
        target.page.get_by_role("button", name="Import progress").click()
    chooser.value.set_files(download.value.path())
    target.page.wait_for_function("document.querySelector('.checklist-message').textContent")
    assert target.message().startswith("Imported")
    assert target.ticked(main) == list(main.items[:3])
    assert target.progress() == f"3 of {len(main.items)} done"
    assert sorted(target.stored(main.key)["ticked"]) == sorted(main.items[:3])
    source.assert_clean()
    target.assert_clean()
    first.close()
    second.close()


def test_bad_import_files_are_refused_with_a_message(tab, main):
    tab.goto(main.path)
    tick(tab, main, main.items[0])
    good = {"format": "outage-playbooks-checklist", "version": 1, "checklist": main.key}
    bad_files = {
        "not-json.json": b"{ this is not json",
        "other-checklist.json": json.dumps({**good, "checklist": "x/y", "ticked": []}).encode(),
        "future-version.json": json.dumps({**good, "version": 2, "ticked": []}).encode(),
        "odd-ids.json": json.dumps({**good, "ticked": ["../../etc", 7]}).encode(),
        "huge.json": json.dumps({**good, "ticked": list(main.items)}).encode() + b" " * 200_000,
        "empty.json": b"",
    }
    for name, content in bad_files.items():
        with tab.page.expect_file_chooser() as chooser:
            tab.page.get_by_role("button", name="Import progress").click()
        chooser.value.set_files([{"name": name, "mimeType": "application/json", "buffer": content}])
        tab.page.wait_for_function(
            "name => document.querySelector('.checklist-message').textContent.startsWith(name)",
            arg=name,
        )
        assert "was not imported" in tab.message()
        assert tab.ticked(main) == [main.items[0]]
    tab.assert_clean()


def markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def test_copy_as_markdown_task_list(browser, site, main):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = Tab.open(context, site.url)
    tab.goto(main.path)
    tick(tab, main, main.items[1])
    tab.page.get_by_role("button", name="Copy as Markdown").click()
    tab.page.wait_for_function("document.querySelector('.checklist-message').textContent")
    assert tab.message() == "Copied as a Markdown task list."
    lines = tab.page.evaluate("navigator.clipboard.readText()").splitlines()
    label = tab.page.locator(
        f'label[for="{tab.page.get_attribute(main.box(main.items[1]), "id")}"]'
    )
    title = tab.page.get_attribute("[data-checklist]", "data-title")
    assert lines[:3] == [f"# {markdown_escape(title)}", "", tab.base_url + main.path]
    tasks = [line for line in lines if line.startswith("- [")]
    assert len(tasks) == len(main.items)
    assert tasks[1] == f"- [x] {markdown_escape(label.inner_text())}"
    assert [line for line in lines if line.startswith("## ")] == [
        f"## {tab.page.get_attribute(f'ul[data-phase={phase}]', 'data-title')}"
        for phase, _ in main.phases
    ]
    tab.assert_clean()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_shows_ticks_url_and_date_in_black_without_the_site_chrome(tab, main, scheme):
    tab.goto(main.path)
    tick(tab, main, main.items[0])
    page = tab.page
    page.evaluate("window.print = () => { window.__printed = true; }")  # no dialog in tests
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed === true")
    page.emulate_media(media="print", color_scheme=scheme)
    for chrome in [".md-header", ".md-sidebar--primary", ".md-footer", ".md-search"]:
        assert not page.locator(chrome).first.is_visible(), chrome
    assert not page.locator(".checklist-actions").is_visible()
    assert all(page.locator(main.box(item)).is_visible() for item in main.items)
    assert tab.ticked(main) == [main.items[0]]
    stamp = page.locator(".checklist-print-meta")
    assert stamp.is_visible()
    assert tab.base_url + main.path in stamp.inner_text()
    assert str(date.today().year) in stamp.inner_text()
    label = page.locator(f'label[for="{page.get_attribute(main.box(main.items[0]), "id")}"]')
    assert label.evaluate("node => getComputedStyle(node).color") == "rgb(0, 0, 0)"
    tab.assert_clean()


def test_printing_from_the_browser_menu_stamps_the_page_then_and_not_before(tab, main):
    tab.goto(main.path)
    stamp = tab.page.locator(".checklist-print-meta")
    assert stamp.inner_text() == ""  # nothing done on load that only print needs
    tab.page.evaluate("dispatchEvent(new Event('beforeprint'))")
    assert tab.base_url + main.path in stamp.inner_text()
    tab.assert_clean()


def test_print_hides_the_site_chrome_on_every_page(tab):
    tab.page.emulate_media(color_scheme="dark")
    tab.page.goto(tab.base_url)
    tab.page.emulate_media(media="print", color_scheme="dark")
    for chrome in [".md-header", ".md-sidebar--primary", ".md-footer", ".md-search"]:
        assert not tab.page.locator(chrome).first.is_visible(), chrome
    color = tab.page.locator("article p").first.evaluate("node => getComputedStyle(node).color")
    assert color == "rgb(0, 0, 0)"
    tab.assert_clean()


def test_keyboard_alone_ticks_boxes_and_runs_the_actions(tab, main):
    tab.goto(main.path)
    page = tab.page

    def tab_to(selector: str, key: str = "Tab") -> None:
        for _ in range(100):
            page.keyboard.press(key)
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(main.box(main.items[0]))
    page.keyboard.press("Space")
    assert tab.progress() == f"1 of {len(main.items)} done"
    tab_to(main.box(main.items[1]))
    page.keyboard.press("Space")
    assert tab.progress() == f"2 of {len(main.items)} done"
    tab_to('button[data-action="reset"]', "Shift+Tab")
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")
    assert tab.progress() == f"0 of {len(main.items)} done"
    tab.assert_clean()


def test_without_javascript_the_checklist_is_a_plain_printable_list(browser, site, main):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + main.path)
    boxes = page.locator("input[data-item]")
    assert boxes.count() == len(main.items)
    for box in boxes.all():
        assert box.is_visible() and box.is_enabled() and not box.is_checked()
    assert page.locator("[data-checklist] button").filter(visible=True).count() == 0
    assert not page.locator("[data-checklist-progress]").is_visible()
    assert not page.locator("[data-phase-progress]").first.is_visible()
    assert page.locator(".checklist-note", has_text="Without JavaScript").is_visible()
    page.emulate_media(media="print")
    assert boxes.first.is_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_in_the_checklist(browser, site, main, scheme):
    context = browser.new_context(color_scheme=scheme)
    tab = Tab.open(context, site.url)
    tab.goto(main.path)
    tick(tab, main, main.items[0])
    tab.page.locator(main.box(main.items[1])).focus()
    results = Axe().run(tab.page, context={"include": [[".md-content"]]})
    serious = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
    tab.assert_clean()
    context.close()


# The pure logic, run in the page through the functions checklist.js exposes.


@pytest.fixture(scope="module")
def logic(browser, site, pair) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + pair[0].path)

    def call(name: str, *args: Any) -> Any:
        """The function's result, or ``{"error": message}`` when it throws."""
        return page.evaluate(
            """([name, args]) => {
                try { return window.outageChecklist[name](...args); }
                catch (error) { return { error: error.message }; }
            }""",
            [name, list(args)],
        )

    yield call
    context.close()


def items(*specs: str) -> list[dict[str, Any]]:
    """``"new<old1<old2"`` is an item ``new`` renamed from ``old1`` and ``old2``."""
    return [{"id": spec.split("<")[0], "former": spec.split("<")[1:]} for spec in specs]


@pytest.mark.parametrize(
    ("stored", "page", "retired", "ticked", "kept"),
    [
        (["a", "c"], items("c", "b", "a"), [], ["c", "a"], []),  # reordered
        (["a"], items("new", "a"), [], ["a"], []),  # inserted comes up unticked
        (["a", "gone"], items("new", "a"), [], ["a"], ["gone"]),  # removed: kept, not reassigned
        (["old"], items("a", "fresh<old"), [], ["fresh"], []),  # renamed
        (["older"], items("fresh<old<older"), [], ["fresh"], []),  # renamed twice
        (["a", "dropped"], items("a"), ["dropped"], ["a"], []),  # retired
        ([], items("a", "b"), [], [], []),
    ],
)
def test_resolve_keys_ticks_by_item_id(logic, stored, page, retired, ticked, kept):
    assert logic("resolve", stored, page, retired) == {"ticked": ticked, "kept": kept}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, {"ticked": []}),
        ('{"ticked": ["a", "b-2"]}', {"ticked": ["a", "b-2"]}),
        (
            '{"ticked": ["a"], "seen": {"a": "0a1b2c3d"}, "tickedAs": {"a": "0a1b2c3d"}}',
            {"ticked": ["a"], "seen": {"a": "0a1b2c3d"}, "tickedAs": {"a": "0a1b2c3d"}},
        ),
        ('{"ticked": [], "seen": ["a"]}', {"error": "corrupt"}),
        ('{"ticked": [], "seen": null}', {"error": "corrupt"}),
        ('{"ticked": [], "tickedAs": {"Not A Slug": "0a1b2c3d"}}', {"error": "corrupt"}),
        ('{"ticked": [], "tickedAs": {"a": 7}}', {"error": "corrupt"}),
        ('{"ticked": "a"}', {"error": "corrupt"}),
        ('{"ticked": [1]}', {"error": "corrupt"}),
        ('{"ticked": ["Not A Slug"]}', {"error": "corrupt"}),
        ("null", {"error": "corrupt"}),
        ("[]", {"error": "corrupt"}),
    ],
)
def test_parse_stored_refuses_anything_it_did_not_write(logic, text, expected):
    assert logic("parseStored", text) == expected
    assert "error" in logic("parseStored", "{not json")


def hashed(*specs: str) -> list[dict[str, Any]]:
    """``"a=h1"`` is an item ``a`` whose text has the fingerprint ``h1``; renames as in items()."""
    return [{**items(spec.split("=")[0])[0], "hash": spec.split("=")[1]} for spec in specs]


@pytest.mark.parametrize(
    ("stored", "page", "changed", "fresh"),
    [
        # A first visit: nothing is new, and everything is seen from now on.
        ({"ticked": []}, hashed("a=h1", "b=h2"), [], []),
        # Stored before fingerprints: ticks are read as they are, and nothing is marked.
        ({"ticked": ["a"]}, hashed("a=h1", "b=h2"), [], []),
        # A ticked item reworded is marked; an unticked one reworded is not.
        (
            {"ticked": ["a"], "seen": {"a": "h1", "b": "h2"}, "tickedAs": {"a": "h1"}},
            hashed("a=new", "b=new", "c=h3"),
            ["a"],
            ["c"],
        ),
        # A renamed item keeps what was recorded under its former id.
        (
            {"ticked": ["old"], "seen": {"old": "h1"}, "tickedAs": {"old": "h1"}},
            hashed("fresh<old=h1"),
            [],
            [],
        ),
    ],
)
def test_only_ticked_items_whose_text_changed_and_items_added_are_marked(
    logic, stored, page, changed, fresh
):
    settled = logic("settle", stored, page, [])
    assert (settled["changed"], settled["fresh"]) == (changed, fresh)
    assert settled["stored"]["seen"].keys() >= {item["id"] for item in page} - set(fresh)
    assert set(settled["stored"]["tickedAs"]) == set(settled["stored"]["ticked"]) & {
        item["id"] for item in page
    }


@pytest.mark.parametrize(
    ("changed", "fresh", "text"),
    [
        (0, 0, ""),
        (1, 1, "1 step changed and 1 new since your last visit"),
        (2, 0, "2 steps changed since your last visit"),
        (0, 3, "3 new steps since your last visit"),
        (0, 1, "1 new step since your last visit"),
    ],
)
def test_the_summary_counts_the_marks(logic, changed, fresh, text):
    assert logic("summary", changed, fresh) == text


def test_parse_import_accepts_only_an_export_of_this_checklist(logic):
    good = {
        "format": "outage-playbooks-checklist",
        "version": 1,
        "checklist": "p/c",
        "ticked": ["a"],
    }
    assert logic("parseImport", json.dumps(good), "p/c") == ["a"]
    for bad in [
        {**good, "checklist": "p/other"},
        {**good, "format": "something-else"},
        {**good, "version": 2},
        {**good, "ticked": ["a", None]},
        {**good, "ticked": "a"},
        None,
        [],
    ]:
        result = logic("parseImport", json.dumps(bad), "p/c")
        assert result == {"error": "it is not a progress export of this checklist."}, bad
    assert "error" in logic("parseImport", "not json at all", "p/c")


def test_markdown_task_list_escapes_markdown_in_item_text(logic):
    phases = [
        {"title": "Before", "items": [{"text": "Use *two* [links]", "ticked": True}]},
        {"title": "After", "items": [{"text": "Plain", "ticked": False}]},
    ]
    assert logic("toMarkdown", "A # title", "https://example.org/x/", phases) == (
        "# A \\# title\n\nhttps://example.org/x/\n\n## Before\n\n- [x] Use \\*two\\* \\[links\\]\n"
        "\n## After\n\n- [ ] Plain\n"
    )
