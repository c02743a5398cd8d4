// The bureau's live dashboard: city totals and every county's figures, pushed by the server over
// server-sent events. EventSource reconnects by itself after a network drop or a restart.
"use strict";

const edition = new URLSearchParams(location.search).get("edition") || "2024";
const $ = (id) => document.getElementById(id);
const fmt = (n) => Number(n || 0).toLocaleString("zh-CN");
let counties = []; // [{code, name}] in the edition's order
let source = null;

async function api(path, options) {
  const resp = await fetch(path, Object.assign({ credentials: "same-origin" }, options));
  if (resp.status === 401) {
    const err = new Error("unauthenticated");
    err.status = 401;
    throw err;
  }
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const err = new Error(body.message || resp.statusText);
    err.status = resp.status;
    throw err;
  }
  return body;
}

function showLogin(message) {
  $("board").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  setLive(false, "未登录");
}

function setLive(on, text) {
  $("live").className = "dot " + (on ? "online" : "offline");
  $("live-text").textContent = text;
}

async function start() {
  let ed;
  try {
    ed = (await api("/api/v1/editions/" + encodeURIComponent(edition))).edition;
  } catch (e) {
    if (e.status === 401) return showLogin();
    $("edition-name").textContent = "无法读取活动周信息：" + e.message;
    return;
  }
  $("edition-name").textContent = ed.name + " · 实时数据";
  $("edition-theme").textContent = ed.theme + "（" + ed.starts_on + " 至 " + ed.ends_on + "）";
  counties = ed.counties;
  $("login").hidden = true;
  $("board").hidden = false;
  $("logout").hidden = false;
  const who = sessionStorage.getItem("sciweek.who");
  if (who) $("who").textContent = who;
  render({ city: {}, counties: [], refused_scans: 0, stream_position: 0 });
  listen();
}

function listen() {
  if (source) source.close();
  source = new EventSource("/events/overview?edition=" + encodeURIComponent(edition));
  source.addEventListener("overview", (ev) => {
    setLive(true, "实时");
    render(JSON.parse(ev.data));
  });
  source.onopen = () => setLive(true, "实时");
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The server refused the stream (signed out, or no longer allowed): check why.
      setLive(false, "连接已断开");
      setTimeout(start, 3000);
    } else {
      setLive(false, "正在重新连接…");
    }
  };
}

function setNumber(el, value) {
  const text = fmt(value);
  if (el.textContent !== text) {
    el.textContent = text;
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }
}

function render(ov) {
  const city = ov.city || {};
  setNumber($("kpi-total"), city.participations);
  setNumber($("kpi-today"), city.participations_today);
  setNumber($("kpi-ticketed"), city.ticketed);
  setNumber($("kpi-walkins"), city.walk_ins);
  setNumber($("kpi-refused"), ov.refused_scans);
  const byCode = new Map((ov.counties || []).map((c) => [c.county_code, c]));
  const rows = (counties.length ? counties : (ov.counties || []).map((c) => ({ code: c.county_code, name: c.county_code })))
    .filter((c) => byCode.has(c.code) || !isCountyScoped(ov));
  const max = Math.max(1, ...rows.map((c) => Number((byCode.get(c.code) || {}).participations || 0)));
  const body = $("county-rows");
  rows.forEach((c) => {
    const t = byCode.get(c.code) || {};
    let tr = body.querySelector('tr[data-code="' + c.code + '"]');
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.code = c.code;
      for (let i = 0; i < 6; i++) tr.appendChild(document.createElement("td"));
      tr.children[0].textContent = c.name;
      for (let i = 1; i < 5; i++) tr.children[i].className = "num";
      const bar = document.createElement("div");
      bar.className = "bar";
      tr.children[5].appendChild(bar);
      body.appendChild(tr);
    }
    setNumber(tr.children[1], t.participations);
    setNumber(tr.children[2], t.participations_today);
    setNumber(tr.children[3], t.ticketed);
    setNumber(tr.children[4], t.walk_ins);
    tr.children[5].firstChild.style.width = (100 * Number(t.participations || 0) / max).toFixed(1) + "%";
  });
  $("updated").textContent = ov.updated_at ? new Date(ov.updated_at).toLocaleString("zh-CN") : "—";
  $("position").textContent = ov.stream_position || 0;
}

// A county admin's overview names only their county; the table then shows that county alone.
function isCountyScoped(ov) {
  return (sessionStorage.getItem("sciweek.role") || "") === "county_admin";
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    const who = await api("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
    });
    sessionStorage.setItem("sciweek.who", who.display_name || form.get("username"));
    sessionStorage.setItem("sciweek.role", who.role || "");
    start();
  } catch (e) {
    $("login-error").textContent = e.status === 401 ? "用户名或密码错误" : "登录失败：" + e.message;
  }
});

$("logout").addEventListener("click", async () => {
  if (source) source.close();
  await fetch("/auth/logout", { method: "POST", credentials: "same-origin" });
  sessionStorage.clear();
  showLogin();
});

start();
