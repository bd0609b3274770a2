// Drives headless Chromium through form scenarios and prints what happened, as JSON.
// Reads from standard input: {"url": "http://127.0.0.1:PORT/", "scenarios": [{"name", "form", "steps"}]}
// where each step is one of {"fill": SELECTOR, "value": TEXT}, {"check": SELECTOR}, {"click": SELECTOR},
// {"select": SELECTOR, "label": OPTION_LABEL}; after the steps the form is submitted.
// Prints {"results": {NAME: {"events": [...], "shownErrors": [...], "html"?: ...}}}.
// Uses the system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium): it never downloads a browser.
import { chromium } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function runScenario(browser, url, scenario) {
  const page = await browser.newPage();
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  try {
    await page.goto(`${url}?form=${encodeURIComponent(scenario.form)}`);
    await page.waitForFunction(() => window.formReady === true, null, { timeout: 15000 });
    for (const step of scenario.steps ?? []) {
      if (step.fill) await page.fill(step.fill, step.value);
      else if (step.check) await page.check(step.check);
      else if (step.click) await page.click(step.click);
      else if (step.select) await page.selectOption(step.select, { label: step.label });
      else throw new Error(`unknown step ${JSON.stringify(step)}`);
    }
    await page.click("button[type=submit]");
    await page.waitForFunction(() => window.formEvents.length > 0, null, { timeout: 15000 });
    const events = await page.evaluate(() => window.formEvents);
    const shownErrors = await page.$$eval(".error-detail li", (items) => items.map((i) => i.textContent));
    const groups = await page.$$eval("details.cc-group", (items) =>
      items.map((d) => ({ title: d.querySelector("summary").textContent, open: d.open })),
    );
    const labels = await page.$$eval("label", (items) => items.map((l) => l.textContent.trim()));
    const result = { events, shownErrors, groups, labels, consoleErrors };
    if (scenario.dumpHtml) result.html = await page.content();
    return result;
  } finally {
    await page.close();
  }
}

const plan = await readStdin();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: FLAGS,
  headless: true,
  timeout: 60000,
});
try {
  const results = {};
  for (const scenario of plan.scenarios) results[scenario.name] = await runScenario(browser, plan.url, scenario);
  process.stdout.write(JSON.stringify({ results }) + "\n");
} finally {
  await browser.close();
}
