# The web console's browser tests need Chromium (Debian's: the Playwright download cannot work here)
# and a CJK font for readable screenshots. Sourced by .ci/run before the tests: installs what is
# missing, then makes a missing browser a failure rather than a skip.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null
fi
chromium --version
export LEDGER_CHROMIUM_PATH="$(command -v chromium)"
export LEDGER_REQUIRE_BROWSER=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
