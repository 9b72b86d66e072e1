/*!
 * MS pre-massage check: the chat widget for a clinic's website.
 * Plain JavaScript, no dependencies, no innerHTML: every text from the assistant
 * or the client is put on the page with textContent. Licence: Apache-2.0.
 *
 * Embed (see widget/README.md for every option):
 *   <link rel="stylesheet" href="/ms-precheck-widget.css">
 *   <script src="/ms-precheck-widget.js" data-server="https://assistant.example.org"
 *           data-clinic-name="Riverside Massage" data-clinic-phone="555-0100" defer></script>
 */
(function () {
  "use strict";

  var script = document.currentScript ||
    document.querySelector("script[data-server][src*='ms-precheck-widget']");
  if (!script) {
    return;
  }

  // --- Texts of the widget itself (the assistant's messages come from the server) ----------
  // A clinic adds a language by adding a table here; the key is the `data-lang` value.
  var STRINGS = {
    en: {
      launcher: "Pre-massage check",
      title: "Pre-massage check",
      subtitle: "Questions? Call {phone}",
      subtitleNoPhone: "A short check before your massage",
      close: "Close chat",
      clear: "End chat and clear",
      cleared: "Chat ended. Your messages were cleared from this browser.",
      log: "Conversation",
      inputLabel: "Your message",
      send: "Send",
      replies: "Reply options",
      you: "You:",
      assistant: "Assistant:",
      typing: "The assistant is typing…",
      unreachable: "Sorry, the assistant can't be reached right now. Please call {clinic} on {phone}.",
      noAnswer: "The assistant did not answer. Please try again, or call {clinic} on {phone}.",
      retry: "Try again",
      adviceLabel: "Your advice",
      headline: {
        urgent: "Get medical help now",
        postpone: "Please wait: no massage today",
        shorten: "Book a shorter, gentle session",
        proceed_gently: "You can go ahead, gently",
        unknown: "Please call the clinic before your session"
      },
      urgentNow: "Call your local emergency number now.",
      urgentMore: "Or go to urgent care. Do not have a massage today.",
      banner: "Urgent: call your local emergency number now.",
      details: "Why, and what to expect",
      nextSteps: "Next steps",
      next: {
        urgent: [
          "Call your local emergency number now, or go to urgent care.",
          "Do not have a massage today.",
          "Once a doctor has seen you, call {clinic} on {phone} to book again."
        ],
        postpone: [
          "Do not have your massage today.",
          "Call {clinic} on {phone} to move your appointment."
        ],
        shorten: [
          "Keep your appointment, as a shorter and gentler session.",
          "Call {clinic} on {phone} to change your booking.",
          "Tell your therapist how you feel when you arrive."
        ],
        proceed_gently: [
          "Come to your session as booked.",
          "If anything changes before then, call {clinic} on {phone} first."
        ],
        unknown: [
          "Do not have your massage until you have spoken to {clinic}.",
          "Call {clinic} on {phone}."
        ]
      },
      unconfirmed: "Some answers were unclear, so this advice is on the safe side.",
      rulesVersion: "Safety rules version {version}"
    }
  };

  var ADVICE = ["postpone", "shorten", "proceed_gently"];
  var DEFAULT_PRIMARY = "#1d5c87";
  var LOG_BACKGROUND = [244, 246, 248]; // --msw-surface in the stylesheet
  var TIMEOUT_MS = 30000;
  var TRANSPORTS = ["rest", "socketio"];
  var QUIET_MS = 2000;        // socket.io: a turn without a question ends after this silence
  var RECONNECTS = 4;         // socket.io: tries after a lost connection before the error
  var BACKOFF_MS = 500;       // ... the first one after about this long, then doubling

  // --- Configuration from the script tag's data attributes ----------------------------------
  var data = script.dataset;
  var config = {
    server: (data.server || "").replace(/\/+$/, ""),
    clinicName: data.clinicName || "the clinic",
    clinicPhone: data.clinicPhone || "",
    lang: data.lang || document.documentElement.lang || "en",
    startPayload: data.startPayload || "/greet",
    primary: data.primaryColor || DEFAULT_PRIMARY,
    primaryText: data.primaryTextColor || "",
    transport: (data.transport || "rest").toLowerCase()
  };
  if (!/^https?:\/\/[^\s/]+/i.test(config.server)) {
    warn("data-server must be the assistant's http(s) URL, e.g. https://assistant.example.org");
    return;
  }
  if (TRANSPORTS.indexOf(config.transport) < 0) {
    warn("data-transport must be one of " + TRANSPORTS.join(", ") + "; using rest.");
    config.transport = "rest";
  }
  var uiLang = STRINGS[config.lang] ? config.lang : config.lang.split("-")[0];
  if (!STRINGS[uiLang]) {
    uiLang = "en";
  }
  var T = STRINGS[uiLang];
  var STORAGE_KEY = "ms-precheck-widget:" + config.server;
  var uid = "msw-" + Math.random().toString(36).slice(2, 8);

  function warn(message) {
    if (window.console) {
      window.console.warn("ms-precheck-widget: " + message);
    }
  }

  // --- Colours: keep WCAG AA contrast whatever the clinic chooses ---------------------------
  function parseHex(value) {
    var match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
    if (!match) {
      return null;
    }
    var hex = match[1].length === 3 ? match[1].replace(/(.)/g, "$1$1") : match[1];
    return [0, 2, 4].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function toHex(rgb) {
    return "#" + rgb.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
  }

  function palette() {
    var white = [255, 255, 255], ink = [26, 29, 33];
    var primary = parseHex(config.primary);
    if (!primary) {
      warn("data-primary-color must be a hex colour like #1d5c87; using the default.");
      primary = parseHex(DEFAULT_PRIMARY);
    }
    // Text on the primary colour (launcher, header): the clinic's choice if it reaches 4.5:1,
    // otherwise white or near-black, whichever contrasts more (always at least 4.5:1).
    var onPrimary = parseHex(config.primaryText);
    if (config.primaryText && (!onPrimary || contrast(onPrimary, primary) < 4.5)) {
      warn("data-primary-text-color does not reach 4.5:1 on data-primary-color; ignored.");
      onPrimary = null;
    }
    if (!onPrimary) {
      onPrimary = contrast(white, primary) >= contrast(ink, primary) ? white : ink;
    }
    // The primary colour on light backgrounds (buttons, links, focus rings, the client's
    // bubbles): darkened until it reaches 4.5:1 against the conversation's background.
    var strong = primary.slice();
    for (var step = 0; step < 40 && contrast(strong, LOG_BACKGROUND) < 4.5; step++) {
      strong = strong.map(function (v) { return v * 0.9; });
    }
    return { primary: toHex(primary), onPrimary: toHex(onPrimary), strong: toHex(strong) };
  }

  // --- Storage: the transcript lives in sessionStorage (this tab, until it is closed) -------
  var memoryStore = {};
  function readStore() {
    try {
      var raw = window.sessionStorage.getItem(STORAGE_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return memoryStore[STORAGE_KEY] || null;
    }
  }

  function writeStore(value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(STORAGE_KEY);
      } else {
        window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
      }
    } catch (e) {
      memoryStore[STORAGE_KEY] = value;
    }
  }

  function randomId(prefix) {
    if (window.crypto && window.crypto.randomUUID) {
      return prefix + window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function freshState() {
    return { v: 1, sender: randomId("web-"), open: false, items: [] };
  }

  var state = readStore();
  if (!state || state.v !== 1 || !Array.isArray(state.items) || typeof state.sender !== "string") {
    state = freshState();
  }
  function save() {
    writeStore(state);
  }

  // --- DOM helpers (text only) -------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(pathData) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathData);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function phoneLink(phone) {
    var link = el("a", "msw-phone", phone);
    link.href = "tel:" + phone.replace(/[^0-9+]/g, "");
    return link;
  }

  // Fills "{clinic}", "{phone}" and "{version}" into `node`, the phone as a tel: link.
  function fill(node, template, values) {
    values = values || {};
    if (!config.clinicPhone) {
      template = template.replace(/ (on|at) \{phone\}/g, "").replace(/\{phone\}/g, "");
    }
    template.split(/(\{[a-z]+\})/).forEach(function (part) {
      if (part === "{phone}") {
        node.appendChild(phoneLink(config.clinicPhone));
      } else if (part === "{clinic}") {
        node.appendChild(document.createTextNode(config.clinicName));
      } else if (/^\{[a-z]+\}$/.test(part) && part.slice(1, -1) in values) {
        node.appendChild(document.createTextNode(values[part.slice(1, -1)]));
      } else if (part) {
        node.appendChild(document.createTextNode(part));
      }
    });
    return node;
  }

  // --- Building the widget -----------------------------------------------------------------
  var colours = palette();
  var root = el("div", "msw");
  root.lang = uiLang;
  root.style.setProperty("--msw-primary", colours.primary);
  root.style.setProperty("--msw-on-primary", colours.onPrimary);
  root.style.setProperty("--msw-strong", colours.strong);

  var launcher = el("button", "msw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", uid + "-panel");
  launcher.appendChild(icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"));
  launcher.appendChild(el("span", "msw-launcher-text", T.launcher));

  var panel = el("div", "msw-panel");
  panel.id = uid + "-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", uid + "-title");
  panel.setAttribute("aria-describedby", uid + "-subtitle");
  panel.hidden = true;

  var header = el("div", "msw-header");
  var heading = el("div", "msw-heading");
  var title = el("h2", "msw-title", T.title);
  title.id = uid + "-title";
  var subtitle = el("p", "msw-subtitle");
  subtitle.id = uid + "-subtitle";
  if (config.clinicPhone) {
    fill(subtitle, T.subtitle);
  } else {
    subtitle.textContent = T.subtitleNoPhone;
  }
  heading.appendChild(title);
  heading.appendChild(subtitle);
  var closeButton = el("button", "msw-close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", T.close);
  closeButton.appendChild(icon("M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"));
  var clearButton = el("button", "msw-clear", T.clear);
  clearButton.type = "button";
  header.appendChild(heading);
  header.appendChild(closeButton);
  header.appendChild(clearButton);

  var banner = el("p", "msw-banner", T.banner);
  banner.hidden = true;

  var log = el("div", "msw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", T.log);
  log.tabIndex = 0;
  if (config.lang !== uiLang) {
    log.lang = config.lang; // the assistant's messages are in the configured language
  }

  var typing = el("div", "msw-typing");
  typing.setAttribute("role", "status");
  var errorBox = el("div", "msw-error");
  errorBox.setAttribute("role", "status");

  var form = el("form", "msw-form");
  form.noValidate = true;
  var label = el("label", "msw-label", T.inputLabel);
  label.htmlFor = uid + "-input";
  var input = el("input", "msw-input");
  input.id = uid + "-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 500;
  input.setAttribute("enterkeyhint", "send");
  var sendButton = el("button", "msw-send", T.send);
  sendButton.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(banner);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(errorBox);
  panel.appendChild(form);

  // Announces what happens while the panel is closed (e.g. after "End chat and clear").
  var announcer = el("div", "msw-sr");
  announcer.setAttribute("role", "status");

  root.appendChild(panel);
  root.appendChild(launcher);
  root.appendChild(announcer);

  // --- Rendering the transcript ------------------------------------------------------------
  function renderItem(item, index) {
    if (item.type === "user") {
      var user = el("div", "msw-msg msw-msg--user");
      var userBubble = el("p", "msw-bubble");
      userBubble.appendChild(el("span", "msw-sr", T.you + " "));
      userBubble.appendChild(document.createTextNode(item.text));
      user.appendChild(userBubble);
      return user;
    }
    if (item.type === "advice") {
      return renderAdvice(item);
    }
    var bot = el("div", "msw-msg msw-msg--bot");
    if (item.text) {
      var bubble = el("p", "msw-bubble");
      bubble.appendChild(el("span", "msw-sr", T.assistant + " "));
      bubble.appendChild(document.createTextNode(item.text));
      bot.appendChild(bubble);
    }
    if (item.buttons && item.buttons.length) {
      var group = el("div", "msw-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", T.replies);
      item.buttons.forEach(function (button, i) {
        var reply = el("button", "msw-reply", button.title);
        reply.type = "button";
        reply.disabled = Boolean(item.answered);
        if (item.chosen === i) {
          reply.className += " msw-reply--chosen";
        }
        reply.addEventListener("click", function () {
          choose(index, i);
        });
        group.appendChild(reply);
      });
      bot.appendChild(group);
    }
    return bot;
  }

  function renderAdvice(item) {
    var outcome = item.urgent ? "urgent" : (ADVICE.indexOf(item.advice) >= 0 ? item.advice : "unknown");
    var card = el("article", "msw-advice msw-advice--" + (item.urgent ? "urgent" : item.advice || "unknown"));
    var headingId = uid + "-advice-" + Math.random().toString(36).slice(2, 8);
    card.setAttribute("aria-labelledby", headingId);
    if (item.urgent) {
      var urgent = el("div", "msw-urgent");
      urgent.appendChild(el("p", "msw-urgent-now", T.urgentNow));
      urgent.appendChild(el("p", "msw-urgent-more", T.urgentMore));
      card.appendChild(urgent);
    }
    var head = el("div", "msw-advice-head");
    head.appendChild(el("p", "msw-advice-label", T.adviceLabel));
    var headline = el("h3", "msw-advice-headline", T.headline[outcome]);
    headline.id = headingId;
    head.appendChild(headline);
    card.appendChild(head);
    if (item.texts && item.texts.length) {
      card.appendChild(el("h4", "msw-advice-subheading", T.details));
      item.texts.forEach(function (text) {
        card.appendChild(el("p", "msw-advice-text", text));
      });
    }
    card.appendChild(el("h4", "msw-advice-subheading", T.nextSteps));
    var steps = el("ul", "msw-steps");
    T.next[outcome].forEach(function (step) {
      steps.appendChild(fill(el("li"), step));
    });
    card.appendChild(steps);
    if (item.unconfirmed && item.unconfirmed.length) {
      card.appendChild(el("p", "msw-advice-note", T.unconfirmed));
    }
    if (item.rulesVersion) {
      card.appendChild(fill(el("p", "msw-advice-meta"), T.rulesVersion, { version: item.rulesVersion }));
    }
    var wrapper = el("div", "msw-msg msw-msg--advice");
    wrapper.appendChild(card);
    return wrapper;
  }

  function renderAll() {
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    state.items.forEach(function (item, index) {
      log.appendChild(renderItem(item, index));
    });
    updateBanner();
  }

  function updateBanner() {
    banner.hidden = !state.items.some(function (item) {
      return item.type === "advice" && item.urgent;
    });
  }

  function addItems(items) {
    var first = null;
    items.forEach(function (item) {
      state.items.push(item);
      var node = renderItem(item, state.items.length - 1);
      log.appendChild(node);
      if (item.type === "advice" && !first) {
        first = node;
      }
    });
    save();
    updateBanner();
    // The advice card is shown from its top (urgent instruction first); otherwise follow.
    if (first) {
      log.scrollTop = first.offsetTop - 8;
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  // Turns the server's messages into transcript items. The advice payload takes the plain
  // text messages just before it (the advice in words) into its card.
  function toItems(messages) {
    var items = [];
    (Array.isArray(messages) ? messages : []).forEach(function (message) {
      if (!message || typeof message !== "object") {
        return;
      }
      var text = typeof message.text === "string" ? message.text : "";
      var custom = message.custom;
      if (custom && typeof custom === "object" && "advice" in custom) {
        var texts = text ? [text] : [];
        while (items.length) {
          var last = items[items.length - 1];
          if (last.type !== "bot" || (last.buttons && last.buttons.length)) {
            break;
          }
          texts.unshift(items.pop().text);
        }
        items.push({
          type: "advice",
          advice: ADVICE.indexOf(custom.advice) >= 0 ? custom.advice : "unknown",
          urgent: custom.urgent_care === true,
          reasons: stringList(custom.reasons),
          unconfirmed: stringList(custom.unconfirmed),
          rulesVersion: typeof custom.rules_version === "string" ? custom.rules_version : "",
          texts: texts
        });
        return;
      }
      // REST calls them `buttons`, Rasa's socket.io channel `quick_replies`.
      var offered = message.buttons || message.quick_replies;
      var buttons = (Array.isArray(offered) ? offered : [])
        .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
        .map(function (b) { return { title: b.title, payload: b.payload }; });
      if (text || buttons.length) {
        items.push({ type: "bot", text: text, buttons: buttons, answered: false, chosen: null });
      }
    });
    return items;
  }

  function stringList(value) {
    return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [];
  }

  // --- Talking to the assistant ------------------------------------------------------------
  // One exchange at a time: `deliver` sends, the transport hands the assistant's messages to
  // `receive` and ends the exchange with `finish`. Both transports share all of the rendering.
  var busy = false;
  var pending = null;   // what to send again after an error: {payload, id}
  var generation = 0;   // bumps on "End chat and clear": late answers are dropped
  var focusRepliesNext = false;
  var turn = null;      // the assistant's messages since the client last spoke

  function closeOpenReplies() {
    var changed = false;
    state.items.forEach(function (item) {
      if (item.type === "bot" && item.buttons && item.buttons.length && !item.answered) {
        item.answered = true;
        changed = true;
      }
    });
    if (changed) {
      Array.prototype.forEach.call(log.querySelectorAll(".msw-reply"), function (b) {
        b.disabled = true;
      });
    }
  }

  function choose(itemIndex, buttonIndex) {
    var item = state.items[itemIndex];
    if (busy || !item || item.answered) {
      return;
    }
    var button = item.buttons[buttonIndex];
    closeOpenReplies();
    item.chosen = buttonIndex;
    var nodes = log.children[itemIndex].querySelectorAll(".msw-reply");
    nodes[buttonIndex].className += " msw-reply--chosen";
    // The pressed button is now disabled: keep focus in the conversation, so that Tab
    // goes straight to the next question's answers.
    log.focus({ preventScroll: true });
    focusRepliesNext = true;
    send(button.payload, button.title);
  }

  function send(payload, shownText) {
    if (busy) {
      return;
    }
    if (shownText !== null) {
      closeOpenReplies();
      addItems([{ type: "user", text: shownText }]);
    }
    deliver(payload, randomId("m-"));
  }

  // `id` stays the same when "Try again" sends it again: an assistant that had it already
  // answers with what it said, and does not read it twice (precheck/channels/rest.py).
  function deliver(payload, id) {
    busy = true;
    pending = { payload: payload, id: id };
    turn = { start: state.items.length, messages: [] };
    sendButton.setAttribute("aria-disabled", "true");
    clearError();
    typing.textContent = "";
    typing.appendChild(el("span", "msw-dots")).setAttribute("aria-hidden", "true");
    typing.appendChild(el("span", "msw-typing-text", T.typing));
    transport.send(payload, id);
  }

  // Shows the assistant's messages of this turn. Messages that come one by one (socket.io)
  // are turned into items together, as REST's are, so the advice card takes its texts.
  function receive(messages) {
    if (!turn) {
      turn = { start: state.items.length, messages: [] };
    }
    turn.messages = turn.messages.concat(messages);
    state.items.length = turn.start;
    while (log.children.length > turn.start) {
      log.removeChild(log.lastChild);
    }
    addItems(toItems(turn.messages));
  }

  // Ends the exchange; with `template`, shows that error.
  function finish(template) {
    var answered = turn !== null && toItems(turn.messages).length > 0;
    busy = false;
    turn = null;
    typing.textContent = "";
    sendButton.removeAttribute("aria-disabled");
    if (template || !answered) {
      showError(template || T.noAnswer, pending !== null ? resend : transport.connect);
    } else {
      pending = null;
      if (focusRepliesNext && !log.querySelector(".msw-reply:not(:disabled)") && !panel.hidden) {
        input.focus();
      }
    }
    focusRepliesNext = false;
  }

  function resend() {
    deliver(pending.payload, pending.id);
  }

  // --- REST: one POST per message, the answer is the whole turn ----------------------------
  function restTransport() {
    var controller = null;
    return {
      connect: function () {},
      send: function (payload, id) {
        var mine = generation;
        var aborter = window.AbortController ? new AbortController() : null;
        controller = aborter;
        var timer = window.setTimeout(function () {
          if (aborter) {
            aborter.abort();
          }
        }, TIMEOUT_MS);
        window.fetch(config.server + "/webhooks/rest/webhook", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify({ sender: state.sender, message: payload, message_id: id }),
          credentials: "omit",
          cache: "no-store",
          signal: aborter ? aborter.signal : undefined
        }).then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        }).then(function (messages) {
          if (mine === generation) {
            receive(Array.isArray(messages) ? messages : []);
            finish(null);
          }
        }).catch(function () {
          if (mine === generation) {
            finish(T.unreachable);
          }
        }).then(function () {
          window.clearTimeout(timer);
        });
      },
      cancel: function () {
        if (controller) {
          controller.abort();
        }
      }
    };
  }

  // --- socket.io: Rasa's socket.io channel, one connection for the conversation ------------
  // The session id is the sender id kept in sessionStorage, so after a reload (a new
  // connection) the assistant continues the same conversation. Replies come one by one as
  // `bot_uttered`; a turn ends with a question (answer buttons) or after QUIET_MS of silence.
  function socketTransport() {
    var waiting = null;    // the message to send once the session is confirmed
    var confirmed = false;
    var quiet = null;
    var noAnswer = null;
    var socket = socketIO(config.server.replace(/^http/i, "ws") +
                          "/socket.io/?EIO=4&transport=websocket", {
      open: function () {
        confirmed = false;
        socket.emit("session_request", { session_id: state.sender });
      },
      event: function (name, message) {
        if (name === "session_confirm") {
          confirmed = true;
          if (waiting !== null) {
            say(waiting);
          } else if (!busy) {
            clearError();   // back after a lost connection
          }
        } else if (name === "bot_uttered" && message && typeof message === "object") {
          botUttered(message);
        }
      },
      lost: function () {
        confirmed = false;
        waiting = null;
        stopTimers();
        if (busy) {
          finish(T.unreachable);
        } else {
          showError(T.unreachable, socket.connect);
        }
      }
    });

    function say(payload) {
      waiting = null;
      if (!socket.emit("user_uttered", { message: payload, session_id: state.sender })) {
        waiting = payload;   // the connection just dropped: sent once it is back
        confirmed = false;
        socket.connect();
      }
    }

    function botUttered(message) {
      window.clearTimeout(noAnswer);
      pending = null;    // the assistant has it: never sent twice
      receive([message]);
      window.clearTimeout(quiet);
      if (!busy) {
        return;          // a message the assistant sent by itself
      }
      var asks = Array.isArray(message.quick_replies) && message.quick_replies.length > 0;
      if (asks) {
        finish(null);
      } else {
        quiet = window.setTimeout(function () { finish(null); }, QUIET_MS);
      }
    }

    function stopTimers() {
      window.clearTimeout(quiet);
      window.clearTimeout(noAnswer);
    }

    return {
      connect: socket.connect,
      send: function (payload) {
        stopTimers();
        noAnswer = window.setTimeout(function () {
          waiting = null;   // "Try again" sends it, never a late confirmation as well
          finish(T.noAnswer);
        }, TIMEOUT_MS);
        if (confirmed) {
          say(payload);
        } else {
          waiting = payload;
          socket.connect();
        }
      },
      cancel: function () {
        stopTimers();
        waiting = null;
        confirmed = false;
        socket.close();   // the next conversation has another session id
      }
    };
  }

  // A minimal Socket.IO v5 client (Engine.IO v4) over a native WebSocket: the default
  // namespace, events without acknowledgements, heartbeats, and reconnection with back-off.
  // No long-polling fallback. `on.open()`: connected; `on.event(name, data)`; `on.lost()`:
  // the connection failed RECONNECTS times in a row.
  function socketIO(url, on) {
    var ws = null;
    var wanted = false;   // connect() was called and close() was not
    var failures = 0;
    var retry = null;
    var heartbeat = null;
    var deadMs = 45000;   // pingInterval + pingTimeout, from the server's open packet

    function connect() {
      wanted = true;
      if (ws || retry) {
        return;
      }
      try {
        ws = new WebSocket(url);
      } catch (e) {
        dropped();
        return;
      }
      ws.onmessage = function (event) {
        if (typeof event.data === "string") {
          engineIO(event.data);
        }
      };
      ws.onclose = dropped;   // also after an error
    }

    function engineIO(packet) {
      var type = packet.charAt(0);
      if (type === "0") {            // open: the server's heartbeat settings
        var info = parse(packet.slice(1)) || {};
        deadMs = (info.pingInterval || 25000) + (info.pingTimeout || 20000);
        alive();
        ws.send("40");               // connect to the default namespace
      } else if (type === "2") {     // ping
        alive();
        ws.send("3");
      } else if (type === "4") {
        socketIOPacket(packet.slice(1));
      } else if (type === "1") {     // the server closes
        abandon();
      }
    }

    function socketIOPacket(packet) {
      var type = packet.charAt(0);
      if (type === "0") {            // namespace connected
        failures = 0;
        on.open();
      } else if (type === "2") {     // event: 2[name, data]
        var args = parse(packet.slice(packet.indexOf("[")));
        if (Array.isArray(args) && typeof args[0] === "string") {
          on.event(args[0], args[1]);
        }
      } else if (type === "1" || type === "4") {   // disconnected, or refused
        abandon();
      }
    }

    function parse(text) {
      try {
        return JSON.parse(text);
      } catch (e) {
        return null;
      }
    }

    // No ping for pingInterval + pingTimeout: the connection is dead even if the browser
    // has not noticed (sleep, network change).
    function alive() {
      window.clearTimeout(heartbeat);
      heartbeat = window.setTimeout(abandon, deadMs);
    }

    function detach() {
      window.clearTimeout(heartbeat);
      if (ws) {
        ws.onclose = ws.onmessage = null;
        try {
          ws.close();
        } catch (e) { /* already closed */ }
        ws = null;
      }
    }

    function abandon() {
      detach();
      dropped();
    }

    function dropped() {
      detach();
      if (!wanted) {
        return;
      }
      if (failures >= RECONNECTS) {
        failures = 0;
        wanted = false;
        on.lost();
        return;
      }
      var delay = BACKOFF_MS * Math.pow(2, failures) * (0.5 + Math.random() / 2);
      failures += 1;
      retry = window.setTimeout(function () {
        retry = null;
        connect();
      }, delay);
    }

    return {
      connect: connect,
      emit: function (name, data) {   // false when not connected
        if (!ws || ws.readyState !== 1) {
          return false;
        }
        ws.send("42" + JSON.stringify([name, data]));
        return true;
      },
      close: function () {
        wanted = false;
        failures = 0;
        window.clearTimeout(retry);
        retry = null;
        detach();
      }
    };
  }

  var transport = config.transport === "socketio" ? socketTransport() : restTransport();

  // `again`: what "Try again" does (send the unanswered message again, or reconnect).
  function showError(template, again) {
    clearError();
    var box = el("div", "msw-error-box");
    box.appendChild(fill(el("p", "msw-error-text"), template));
    var retry = el("button", "msw-retry", T.retry);
    retry.type = "button";
    retry.addEventListener("click", function () {
      if (!busy) {
        log.focus({ preventScroll: true });
        again();
      }
    });
    box.appendChild(retry);
    errorBox.appendChild(box);
  }

  function clearError() {
    while (errorBox.firstChild) {
      errorBox.removeChild(errorBox.firstChild);
    }
  }

  // --- Opening, closing, clearing ----------------------------------------------------------
  function open(moveFocus) {
    panel.hidden = false;
    root.classList.add("msw--open");
    launcher.setAttribute("aria-expanded", "true");
    announcer.textContent = "";
    state.open = true;
    save();
    log.scrollTop = log.scrollHeight;
    if (moveFocus) {
      log.focus({ preventScroll: true });
    }
    transport.connect();
    if (!state.items.length && !busy) {
      focusRepliesNext = moveFocus;
      send(config.startPayload, null);
    }
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("msw--open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  function clearChat() {
    generation += 1;
    transport.cancel();
    busy = false;
    pending = null;
    turn = null;
    typing.textContent = "";
    sendButton.removeAttribute("aria-disabled");
    clearError();
    writeStore(null);
    state = freshState();
    renderAll();
    close();
    writeStore(null); // nothing of the conversation stays in the browser
    announcer.textContent = T.cleared;
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open(true);
    } else {
      close();
    }
  });
  closeButton.addEventListener("click", close);
  clearButton.addEventListener("click", clearChat);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) {
      return;
    }
    input.value = "";
    focusRepliesNext = false;
    send(text, text);
  });

  // --- Start -------------------------------------------------------------------------------
  function mount() {
    renderAll();
    document.body.appendChild(root);
    if (state.open) {
      open(false);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
}());
