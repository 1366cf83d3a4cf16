"""The dashboards' look: readable on a phone between lectures, usable from the keyboard.

One stylesheet, scoped under ``.appraise-app``. It undoes the few ipywidgets defaults that
break a narrow screen (fixed widths, labels beside inputs and cut off with an ellipsis, 28 px
buttons), makes every tap target at least 44 px high and every focus visible.
"""

from __future__ import annotations

import ipywidgets as W

CSS = """
<style>
.appraise-app { --ap-accent: #0b57d0; --ap-text: #1f1f1f; --ap-muted: #4a4f55;
  --ap-border: #d0d7de; --ap-soft: #f3f6fa; --ap-danger: #b3261e; --ap-ok: #146c2e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px;
  line-height: 1.45; color: var(--ap-text); width: 100%; max-width: 56rem; margin: 0 auto;
  overflow-wrap: anywhere; box-sizing: border-box; }
.appraise-app * { box-sizing: border-box; }
.appraise-app h1 { font-size: 1.35rem; margin: 0.3rem 0; line-height: 1.25; }
.appraise-app h2 { font-size: 1.2rem; margin: 0.6rem 0 0.3rem; line-height: 1.3; }
.appraise-app h3 { font-size: 1.05rem; margin: 0.9rem 0 0.3rem; }
.appraise-app p { margin: 0.25rem 0; }
.appraise-app a { color: var(--ap-accent); }
.appraise-app .widget-vbox, .appraise-app .widget-hbox { max-width: 100%; }
.appraise-app .widget-html, .appraise-app .widget-html-content { width: 100%; max-width: 100%;
  height: auto; font-size: inherit; line-height: inherit; white-space: normal; margin: 0; }
.appraise-app .appraise-toolbar { flex-wrap: wrap; gap: 0.5rem; align-items: flex-end;
  margin: 0.4rem 0; }
.appraise-app .appraise-toolbar > * { margin: 0; }

/* Fields: the label above the input, both full width. */
.appraise-app .appraise-field { display: flex; flex-direction: column; align-items: stretch;
  width: 100%; max-width: 100%; height: auto; margin: 0.35rem 0; }
.appraise-app .appraise-field > .widget-label { width: 100% !important; max-width: 100%;
  height: auto; white-space: normal; overflow: visible; text-align: left; font-weight: 600;
  font-size: 1rem; line-height: 1.3; padding: 0 0 0.25rem 0; margin: 0; }
.appraise-app .appraise-field input:not([type=radio]):not([type=checkbox]),
.appraise-app .appraise-field textarea,
.appraise-app .appraise-field select { width: 100%; max-width: 100%; font-size: 16px;
  min-height: 2.75rem; padding: 0.35rem 0.5rem; border: 1px solid #8a9099; border-radius: 6px; }
.appraise-app .appraise-field textarea { min-height: 6rem; }
.appraise-app .appraise-field > input, .appraise-app .appraise-field > textarea,
.appraise-app .appraise-field > select { flex: none; }
.appraise-app .widget-radio-box input { width: auto; }
.appraise-app .widget-vbox > .jupyter-button { align-self: flex-start; }
.appraise-app .appraise-toolbar .appraise-field { flex: 1 1 14rem; width: auto; }
.appraise-app .widget-radio-box { display: flex; flex-direction: column; width: 100%; }
/* ipywidgets puts a radio's text before its input (and floats the input left): with flex, the
   input is moved first explicitly so the text wraps beside it on a phone. */
.appraise-app .widget-radio-box label { white-space: normal; height: auto; line-height: 1.3;
  display: flex; justify-content: flex-start; align-items: flex-start; gap: 0.6rem;
  padding: 0.45rem 0; margin: 0; width: 100%; text-align: left; font-size: 1rem; }
.appraise-app .widget-radio-box input { order: -1; float: none; flex: none; margin: 0.1rem 0 0;
  min-width: 1.1rem; min-height: 1.1rem; }
/* A rubric item's question and help are shown above its options; the radio group keeps the
   question as its label for screen readers only. */
.appraise-app .appraise-item > .widget-label { position: absolute !important; width: 1px !important;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; padding: 0; }
.appraise-app .appraise-prompt { font-weight: 600; margin-top: 0.5rem; }
.appraise-app .widget-checkbox { width: 100%; height: auto; margin: 0; }
.appraise-app .widget-checkbox label { white-space: normal; line-height: 1.3; height: auto;
  padding: 0.4rem 0; display: flex; align-items: flex-start; gap: 0.5rem; font-size: 1rem; }
.appraise-app .widget-checkbox input { min-width: 1.1rem; min-height: 1.1rem; margin-top: 0.1rem; }

/* Buttons: 44 px tap targets, text that wraps, a visible focus ring. */
.appraise-app .jupyter-button { height: auto; min-height: 2.75rem; padding: 0.45rem 0.9rem;
  font-size: 1rem; line-height: 1.25; white-space: normal; border-radius: 6px; max-width: 100%;
  width: auto; margin: 0.25rem 0; }
.appraise-app .jupyter-button:disabled { opacity: 0.55; }
.appraise-app .jupyter-button:focus-visible, .appraise-app input:focus-visible,
.appraise-app textarea:focus-visible, .appraise-app select:focus-visible,
.appraise-app a:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.appraise-app .jupyter-button.mod-active { box-shadow: inset 0 0 0 2px var(--ap-accent); }

/* The catalogue. */
.appraise-app .appraise-resource { border-bottom: 1px solid var(--ap-border);
  padding: 0.5rem 0 0.6rem; }
.appraise-app .jupyter-button.appraise-open { background: none; box-shadow: none;
  color: var(--ap-accent); text-decoration: underline; text-align: left; padding: 0.2rem 0;
  font-size: 1.05rem; font-weight: 600; width: 100%; }
.appraise-app .appraise-meta { color: var(--ap-muted); font-size: 0.9rem; display: flex;
  flex-wrap: wrap; gap: 0.25rem 0.6rem; align-items: center; }
.appraise-app .appraise-pager { align-items: center; justify-content: space-between;
  flex-wrap: wrap; gap: 0.5rem; margin: 0.6rem 0; }
.appraise-app .appraise-pager .widget-label { width: auto; }
.appraise-app .appraise-filters { border-left: 3px solid var(--ap-border); padding-left: 0.7rem; }
.appraise-app .appraise-assignments { border: 1px solid var(--ap-border); border-radius: 8px;
  background: var(--ap-soft); padding: 0.4rem 0.8rem 0.6rem; margin: 0 0 0.6rem; }
.appraise-app .appraise-assignments h2 { font-size: 1.1rem; margin: 0.2rem 0; }
.appraise-app .jupyter-button.appraise-assignment-open { text-align: left; height: auto;
  min-height: 2.5rem; white-space: normal; line-height: 1.3; padding: 0.4rem 0.6rem;
  margin: 0.15rem 0; }
.appraise-app .jupyter-button.appraise-overdue { border-left: 4px solid var(--ap-danger); }
.appraise-app .appraise-assignment-done { margin: 0.2rem 0; color: var(--ap-muted); }
/* On a phone the open filters take two columns, so the first results stay in view. */
@media (max-width: 40rem) {
  .appraise-app .appraise-filters { display: grid !important;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 0.5rem; }
  .appraise-app .appraise-filters .appraise-field { margin: 0.15rem 0; }
  .appraise-app .appraise-filters .appraise-field > .widget-label { font-size: 0.9rem;
    padding-bottom: 0.1rem; }
  .appraise-app .appraise-filters .widget-checkbox { grid-column: 1 / -1; }
}
.appraise-app .appraise-how summary { cursor: pointer; color: var(--ap-accent);
  font-size: 0.9rem; min-height: 1.75rem; }
.appraise-app .appraise-how p { color: var(--ap-muted); font-size: 0.9rem; }
.appraise-app .appraise-hidden-item { color: var(--ap-muted); font-style: italic; }
.appraise-app .appraise-vote-reasons li { font-size: 0.95rem; }
.appraise-app .appraise-router { display: none !important; }

/* Badges and cards. */
.appraise-app .appraise-badge { display: inline-block; font-size: 0.8rem; line-height: 1.3;
  padding: 0.05rem 0.5rem; border-radius: 0.8rem; background: #e8eef7; color: #1d3c6e; }
.appraise-app .appraise-badge-flag, .appraise-app .appraise-badge-safety,
.appraise-app .appraise-badge-severity-patient-safety,
.appraise-app .appraise-badge-attention { background: #fde7e4; color: var(--ap-danger); }
.appraise-app .appraise-badge-severity-major { background: #fff1d6; color: #7a4a00; }
.appraise-app .appraise-badge-mine, .appraise-app .appraise-badge-status-verified,
.appraise-app .appraise-badge-status-endorsed { background: #dcf2e3; color: var(--ap-ok); }
.appraise-app .appraise-badge-status-rejected { background: #eceff1; color: #37474f; }
.appraise-app .appraise-badge-verdict-provisional, .appraise-app .appraise-badge-verdict-unrated,
.appraise-app .appraise-badge-verdict-no_verdict { background: #eef0f2; color: #3c4043; }
.appraise-app .appraise-badge-tutor { background: #ece3fb; color: #4a2c86; }
.appraise-app .appraise-card { background: var(--ap-soft); border: 1px solid var(--ap-border);
  border-radius: 8px; padding: 0.6rem 0.8rem; margin: 0.4rem 0; }
.appraise-app .appraise-big-score { font-size: 1.2rem; font-weight: 600; }
.appraise-app .appraise-hint { color: var(--ap-muted); font-size: 0.9rem; }
.appraise-app .appraise-text { white-space: pre-wrap; }
.appraise-app .appraise-plain-list { list-style: none; padding: 0; margin: 0; }
.appraise-app .appraise-plain-list li { border-bottom: 1px solid var(--ap-border);
  padding: 0.4rem 0; }
.appraise-app .appraise-bar { display: grid; grid-template-columns: minmax(0, 1fr);
  gap: 0.1rem; margin: 0.35rem 0; }
.appraise-app .appraise-bar-label { font-size: 0.9rem; }
.appraise-app .appraise-bar-track, .appraise-app .appraise-interval { position: relative;
  height: 0.7rem; background: #dde3ea; border-radius: 0.35rem; overflow: hidden; }
.appraise-app .appraise-bar-fill { height: 100%; background: var(--ap-accent); }
.appraise-app .appraise-bar-value { font-size: 0.85rem; color: var(--ap-muted); }
.appraise-app .appraise-interval { overflow: visible; margin: 0.4rem 0 0.6rem; }
.appraise-app .appraise-interval-band { position: absolute; top: 0; bottom: 0;
  background: #8ab4f8; border-radius: 0.35rem; }
.appraise-app .appraise-interval-mark { position: absolute; top: -0.2rem; width: 0.25rem;
  height: 1.1rem; margin-left: -0.125rem; background: var(--ap-text); border-radius: 2px; }
.appraise-app .appraise-embed { position: relative; width: 100%; max-width: 40rem;
  margin: 0.4rem 0; }
.appraise-app .appraise-embed iframe { width: 100%; border: 1px solid var(--ap-border);
  border-radius: 8px; background: #fff; }
.appraise-app .appraise-embed-youtube iframe { aspect-ratio: 16 / 9; height: auto; }
.appraise-app .appraise-embed-wikipedia iframe { height: 26rem; max-height: 60vh; }
.appraise-app .appraise-comment { border-left: 3px solid var(--ap-border); padding-left: 0.6rem;
  margin: 0.4rem 0; }
.appraise-app .appraise-comment-reply { margin-left: 1.2rem; }
.appraise-app .appraise-correction { border-top: 1px solid var(--ap-border); padding-top: 0.3rem; }
.appraise-app .appraise-question { border-top: 1px solid var(--ap-border); padding-top: 0.3rem; }

/* Messages. */
.appraise-app .appraise-message { border-radius: 6px; padding: 0.5rem 0.7rem; margin: 0.4rem 0; }
.appraise-app .appraise-info { background: #e8f0fe; color: #174ea6; }
.appraise-app .appraise-success { background: #dcf2e3; color: var(--ap-ok); }
.appraise-app .appraise-error { background: #fde7e4; color: var(--ap-danger); }
.appraise-app .appraise-warning { background: #fff4d6; color: #5c3d00;
  border: 1px solid #e6b84f; }
.appraise-app .appraise-field-error { color: var(--ap-danger); font-weight: 600; }
.appraise-app .appraise-user { align-items: center; justify-content: space-between;
  border-bottom: 1px solid var(--ap-border); padding-bottom: 0.3rem; }
.appraise-app .appraise-user .widget-html { width: auto; flex: 1 1 12rem; }
.appraise-app .appraise-remember { display: none; }
</style>
"""


def stylesheet() -> W.HTML:
    """The stylesheet as a widget (a constant: no learner text in it)."""
    return W.HTML(CSS)
