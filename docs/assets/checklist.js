/* Interactive checklists (contract: docs/project/developers.md). Ticks are stored per
   checklist by item id, never position, so they survive rebuilds; if storage fails they live
   in memory. Beside them, each item's fingerprint (data-hash) as last seen and as ticked,
   so a reader coming back sees what changed. */
(() => {
  "use strict";
  const PREFIX = "outage-playbooks:v1:";
  const FILTERS = [ // fieldset, what it reads on each step or answer, where the choice is kept
    ["[data-fulfilment-filter]", "data-fulfilment", "outage-playbooks:fulfilment"], // "fba", "self" or "all"
    ["[data-marketplace-filter]", "data-marketplaces", "outage-playbooks:marketplaces"], // "amazon ebay", "" for all
  ];
  const FORMAT = "outage-playbooks-checklist";
  const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  const UNSAVED = "Ticks will not be saved: this browser's storage is off, full or unreadable. " +
    "They last while this page stays open: export or print them to keep them. Reset to retry.";
  const FLAGS = { changed: "Changed since you ticked it", new: "New since your last visit" };
  const memory = {}; // key -> stored state after storage failed, for as long as the page is open
  const all = (root, selector) => [...root.querySelectorAll(selector)];
  const words = (text) => text?.match(/\S+/g) ?? [];
  const isIds = (list) => Array.isArray(list) && list.every((id) => typeof id === "string" && SLUG.test(id));
  const isHashes = (map) =>
    map === undefined || (map?.constructor === Object && isIds(Object.keys(map)) && Object.values(map).every((hash) => typeof hash === "string"));
  const sorted = (map) => Object.fromEntries(Object.entries(map).sort());
  const pageUrl = () => location.href.split("#")[0];

  /* Stored text -> {ticked, seen?, tickedAs?}; throws on anything this version did not write.
     Data from before fingerprints has no seen or tickedAs: nothing is marked that time. */
  function parseStored(text) {
    const data = JSON.parse(text ?? '{"ticked":[]}');
    if (!isIds(data?.ticked) || !isHashes(data.seen) || !isHashes(data.tickedAs)) throw new Error("corrupt");
    return data;
  }

  /* Items ticked in `stored`, following renames. Ticks of items that left the page stay
     stored (a rollback restores them) but never pass to another item. */
  function resolve(stored, items, retired) {
    const have = new Set(stored), known = new Set(retired), ticked = [];
    for (const item of items) {
      const ids = [item.id, ...item.former];
      ids.forEach((id) => known.add(id));
      if (ids.some((id) => have.has(id))) ticked.push(item.id);
    }
    return { ticked, kept: stored.filter((id) => !known.has(id)) };
  }

  /* The state to store once `change` has run, and the marks to show. Fingerprints follow
     renames. A ticked item takes today's fingerprint when it has none (older data, imports)
     and loses it when unticked; on a first visit every item counts as seen. So only a
     reader's action or a missing entry ever writes, and tabs from two builds never fight. */
  function settle(stored, items, retired, change = () => {}) {
    const { ticked, kept } = resolve(stored.ticked, items, retired);
    const state = { ticked: new Set(ticked), seen: { ...stored.seen }, tickedAs: { ...stored.tickedAs } };
    for (const { id, former } of items) {
      for (const map of [state.seen, state.tickedAs]) {
        const from = [id, ...former].find((old) => map[old]);
        if (from) map[id] = map[from];
        former.forEach((old) => delete map[old]);
      }
    }
    change(state);
    for (const { id, hash } of items) {
      if (!stored.seen) state.seen[id] = hash;
      if (state.ticked.has(id)) state.tickedAs[id] ??= hash;
      else delete state.tickedAs[id];
    }
    const was = state.tickedAs, marked = (test) => items.filter(test).map((item) => item.id);
    return {
      stored: { ticked: [...state.ticked, ...kept].sort(), seen: sorted(state.seen), tickedAs: sorted(was) },
      ticked: state.ticked,
      changed: marked(({ id, hash }) => was[id] && was[id] !== hash),
      fresh: marked(({ id }) => !state.seen[id]),
    };
  }

  /* "1 step changed and 1 new since your last visit", or "" when nothing is marked. */
  function summary(changed, fresh) {
    const steps = (count) => (count > 1 ? "steps" : "step");
    const parts = [];
    if (changed) parts.push(`${changed} ${steps(changed)} changed`);
    if (fresh) parts.push(changed ? `${fresh} new` : `${fresh} new ${steps(fresh)}`);
    return parts.length ? `${parts.join(" and ")} since your last visit` : "";
  }

  /* An exported file's text -> ticked ids; throws an Error for the reader. */
  function parseImport(text, key) {
    let data;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    if (data?.format === FORMAT && data.version === 1 && data.checklist === key && isIds(data.ticked)) {
      return data.ticked;
    }
    throw new Error("it is not a progress export of this checklist.");
  }

  function toMarkdown(title, url, phases) {
    const escape = (text) => text.replace(/[\\`*_[\]<>#|~]/g, "\\$&");
    const lines = [`# ${escape(title)}`, "", url];
    for (const phase of phases) {
      lines.push("", `## ${escape(phase.title)}`, "");
      for (const item of phase.items) lines.push(`- [${item.ticked ? "x" : " "}] ${escape(item.text)}`);
    }
    return lines.join("\n") + "\n";
  }

  /* One checklist's storage; never throws. */
  function openStore(key, warn) {
    const name = PREFIX + key;
    const fall = (state) => {
      warn();
      return (memory[key] = state);
    };
    return {
      read() {
        if (memory[key]) return fall(memory[key]);
        try { return parseStored(localStorage.getItem(name)); } catch { return fall({ ticked: [] }); }
      },
      write(state) {
        try {
          if (!memory[key]) return localStorage.setItem(name, JSON.stringify(state));
        } catch { /* full or off */ }
        fall(state);
      },
      clear() {
        delete memory[key];
        try { localStorage.removeItem(name); } catch { /* read() says so */ }
      },
    };
  }

  function attach(box) {
    const key = box.dataset.checklist;
    const find = (selector) => box.querySelector(selector);
    const inputs = all(box, "input[data-item]");
    const idOf = (input) => input.dataset.item.split("/").pop();
    const items = inputs.map((input) => ({
      id: idOf(input),
      former: words(input.dataset.renamedFrom),
      hash: input.dataset.hash,
      text: input.labels[0].textContent, // before any mark joins the label
      input,
    }));
    const retired = words(box.dataset.retired);
    const note = find(".checklist-note"), usual = note.textContent;
    const file = find("[data-import-file]");
    const say = (text) => { find(".checklist-message").textContent = text; };
    const setText = (element, text) => { if (element.textContent !== text) element.textContent = text; };
    const count = (list) => `${list.filter((input) => input.checked).length} of ${list.length} done`;
    const store = openStore(key, () => {
      setText(note, UNSAVED);
      note.classList.add("checklist-warning");
    });

    /* A mark sits on the item and, in words, at the start of its label, so that it is
       both seen and read out with the box. */
    function mark({ input }, kind) {
      const step = input.closest("li"), label = input.labels[0];
      if (step.dataset[kind] !== undefined) return;
      delete step.dataset.changed;
      delete step.dataset.new;
      const old = label.querySelector(".checklist-flag");
      old?.nextSibling.remove(); // the space after it
      old?.remove();
      if (!kind) return;
      step.dataset[kind] = "";
      const flag = document.createElement("strong");
      flag.className = "checklist-flag";
      flag.textContent = FLAGS[kind];
      label.prepend(flag, " ");
    }

    function show({ ticked, changed, fresh }) {
      for (const item of items) {
        item.input.checked = ticked.has(item.id);
        mark(item, changed.includes(item.id) ? "changed" : fresh.includes(item.id) ? "new" : "");
      }
      const text = summary(changed.length, fresh.length);
      setText(find("[data-checklist-changes]"), text);
      find('[data-action="seen"]').hidden = !text;
      setText(find("[data-checklist-progress]"), count(inputs));
      find(".checklist-bar-fill").style.width = `${(100 * ticked.size) / (inputs.length || 1)}%`;
      for (const counter of all(box, "[data-phase-progress]")) {
        setText(counter, count(all(box, `[data-phase="${counter.dataset.phaseProgress}"] input`)));
      }
    }

    /* Read, change, write: other tabs' ticks are kept, sorted so tabs agree. */
    function update(change) {
      const stored = store.read(), next = settle(stored, items, retired, change);
      if (JSON.stringify(next.stored) !== JSON.stringify(stored)) store.write(next.stored);
      show(next);
    }

    const actions = {
      reset() {
        if (!confirm(`Untick all ${inputs.length} items? This cannot be undone.`)) return;
        store.clear();
        note.textContent = usual;
        note.classList.remove("checklist-warning");
        update(({ ticked }) => ticked.clear());
        say("All ticks cleared.");
      },
      seen() {
        update((state) => {
          for (const { id, hash } of items) {
            state.seen[id] = hash;
            if (state.ticked.has(id)) state.tickedAs[id] = hash;
          }
        });
        say("Marked as seen.");
      },
      export() {
        const ticked = items.filter((item) => item.input.checked).map((item) => item.id);
        const data = { format: FORMAT, version: 1, checklist: key, url: pageUrl(), exported: new Date(), ticked };
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        link.download = `${key.replace("/", "--")}-progress.json`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 9999);
        say(`Exported to ${link.download}.`);
      },
      import() {
        file.value = "";
        file.click();
      },
      copy() {
        const phases = all(box, "ul[data-phase]").map((list) => ({
          title: list.dataset.title,
          items: items.filter(({ input }) => list.contains(input)).map(({ text, input }) => ({ text, ticked: input.checked })),
        }));
        const text = toMarkdown(box.dataset.title, pageUrl(), phases);
        Promise.resolve()
          .then(() => navigator.clipboard.writeText(text))
          .then(() => say("Copied as a Markdown task list."), () => say("This browser refused to copy."));
      },
      print() {
        stampPrint(); // window.print() fires "beforeprint" too, but not where it is stubbed
        print();
      },
    };

    box.addEventListener("click", ({ target }) => actions[target.closest("[data-action]")?.dataset.action]?.());
    box.addEventListener("change", ({ target }) => {
      const item = items.find(({ input }) => input === target);
      if (!item) return;
      update(({ ticked, seen }) => {
        ticked[target.checked ? "add" : "delete"](item.id);
        seen[item.id] = item.hash; // a step the reader just ticked or unticked is no longer new
      });
    });
    file.addEventListener("change", async () => {
      const chosen = file.files[0];
      if (!chosen) return;
      try {
        const text = chosen.size < 1e5 ? await chosen.text() : ""; // a real export is tiny
        const ids = resolve(parseImport(text, key), items, []).ticked;
        update(({ ticked }) => ids.forEach((id) => ticked.add(id))); // adds, never unticks
        say(`Imported ${chosen.name}.`);
      } catch (error) {
        say(`${chosen.name} was not imported: ${error.message}`);
      }
    });

    update(() => {}); // first draw; renamed items' ticks move to their new ids
    addEventListener("storage", () => update(() => {}));
  }

  /* At print time only: the first toLocaleString() loads the locale's data, which took
     159 ms of a page load profiled at a phone's speed (4x CPU throttle) when run on load. */
  function stampPrint() {
    for (const meta of all(document, ".checklist-print-meta")) {
      meta.textContent = `${pageUrl()} · printed ${new Date().toLocaleString()}`;
    }
  }

  /* "I use FBA", "I sell on eBay": each filter's choice, kept for the whole site, leaves out
     what is tagged for others alone. Untagged steps always show; choosing nothing, or "all",
     leaves nothing out; hidden steps keep their ticks, which still count. */
  const chosen = {}; // tag attribute -> the values chosen in its filter; none leaves nothing out
  const tagged = FILTERS.map(([, tag]) => `[${tag}]`).join();
  const leftOut = (element) => Object.entries(chosen).some(([tag, values]) => {
    const tags = words(element.getAttribute(tag));
    return values.length > 0 && tags.length > 0 && !tags.some((value) => values.includes(value));
  });

  function filter(fieldset, tag, key) {
    const inputs = all(fieldset, "input");
    const choose = (values) => {
      values = values.filter((value) => inputs.some((input) => input.value === value));
      const none = values.every((value) => value === "all"); // "Every seller", or no box ticked
      for (const input of inputs) input.checked = values.includes(input.value) || (none && input.defaultChecked);
      chosen[tag] = none ? [] : values;
      for (const element of all(document, tagged)) element.hidden = leftOut(element);
    };
    try { choose(words(localStorage.getItem(key))); } catch { choose([]); }
    fieldset.addEventListener("change", () => {
      const values = inputs.filter((input) => input.checked).map((input) => input.value);
      choose(values);
      try { localStorage.setItem(key, values.join(" ")); } catch { /* kept for this page */ }
    });
  }

  addEventListener("beforeprint", stampPrint);
  // Loaded with `defer`: the whole page is parsed when this runs.
  all(document, "[data-checklist]").forEach(attach);
  for (const [selector, tag, key] of FILTERS) all(document, selector).forEach((f) => filter(f, tag, key));

  /* For tests and readers' scripts. */
  window.outageChecklist = { PREFIX, parseStored, resolve, settle, summary, parseImport, toMarkdown };
})();
