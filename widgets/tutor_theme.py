"""Styles the tutor and summaries dashboards add to :mod:`widgets.theme`: tables that scroll
sideways on a phone, queue cards, category badges, score bars and the section tabs."""

from __future__ import annotations

import ipywidgets as W

CSS = """
<style>
.appraise-app .appraise-sections { flex-wrap: wrap; gap: 0.4rem; margin: 0.4rem 0 0.6rem; }
.appraise-app .appraise-sections .jupyter-button { margin: 0; min-height: 2.5rem;
  width: auto; padding: 0 0.9rem; }
.appraise-app .appraise-sections .appraise-current { background: var(--ap-accent);
  color: #fff; }
.appraise-app .appraise-table-wrap { overflow-x: auto; max-width: 100%; margin: 0.3rem 0; }
.appraise-app table { border-collapse: collapse; font-size: 0.9rem; min-width: 100%; }
.appraise-app th, .appraise-app td { border-bottom: 1px solid var(--ap-border);
  padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
.appraise-app th { background: var(--ap-soft); font-weight: 600; }
.appraise-app th, .appraise-app td { overflow-wrap: normal; word-break: normal; }
.appraise-app td.appraise-num { text-align: right; white-space: nowrap; }
.appraise-app .appraise-audit-table td:nth-child(-n+2) { white-space: nowrap; }
.appraise-app .appraise-toolbar .jupyter-button { flex: none; width: auto; }
.appraise-app .appraise-card { border: 1px solid var(--ap-border); border-radius: 8px;
  padding: 0.6rem 0.8rem; margin: 0.5rem 0; background: #fff; }
.appraise-app .appraise-badge { display: inline-block; border-radius: 999px;
  padding: 0.05rem 0.6rem; font-size: 0.85rem; font-weight: 600; background: var(--ap-soft);
  border: 1px solid var(--ap-border); }
.appraise-app .appraise-cat-0, .appraise-app .appraise-cat-1 { background: #fde7e5;
  border-color: var(--ap-danger); color: var(--ap-danger); }
.appraise-app .appraise-meta { color: var(--ap-muted); font-size: 0.9rem; }
.appraise-app .appraise-quote { margin: 0.3rem 0; padding: 0.3rem 0.6rem;
  border-left: 3px solid var(--ap-border); white-space: pre-wrap; }
.appraise-app .appraise-bar { position: relative; display: inline-block; width: 100%;
  min-width: 5rem; height: 0.9rem; background: var(--ap-soft); border-radius: 3px;
  vertical-align: middle; }
.appraise-app .appraise-bar-fill { position: absolute; left: 0; top: 0; bottom: 0;
  background: #7aa7e8; border-radius: 3px; }
.appraise-app .appraise-whisker { position: absolute; top: 45%; height: 2px;
  background: var(--ap-text); }
.appraise-app td.appraise-bar-cell { width: 40%; min-width: 6rem; }
.appraise-app .appraise-download { display: inline-block; padding: 0.5rem 0.9rem;
  border: 1px solid var(--ap-accent); border-radius: 6px; font-weight: 600;
  text-decoration: none; margin: 0.2rem 0; }
.appraise-app .appraise-queue-groups, .appraise-app .appraise-queue-groups .btn-group {
  display: flex; flex-wrap: wrap; gap: 0.3rem; width: 100%; }
.appraise-app .appraise-queue-groups .widget-toggle-button { width: auto; flex: none;
  min-height: 2.5rem; padding: 0 0.8rem; margin: 0 0.3rem 0.3rem 0; }
.appraise-app .appraise-queue-groups .widget-toggle-button.mod-active {
  background: var(--ap-accent); color: #fff; }
.appraise-app .appraise-card-done { background: var(--ap-soft); padding: 0.2rem 0.8rem; }
.appraise-app .appraise-done-note { margin: 0.2rem 0; color: var(--ap-ok); }
.appraise-app .appraise-show-all { width: auto; align-self: flex-start; }
.appraise-app .appraise-vote-reasons { margin: 0.2rem 0 0.4rem; padding-left: 1.2rem;
  color: var(--ap-muted); }
.appraise-app .widget-checkbox { width: 100%; height: auto; }
.appraise-app .widget-checkbox label { white-space: normal; }
.appraise-app .appraise-progress { width: 100%; }
@media (max-width: 480px) {
  .appraise-app td.appraise-bar-cell { width: 22%; min-width: 3.5rem; }
  .appraise-app .appraise-bar { min-width: 3rem; }
  .appraise-app th, .appraise-app td { padding: 0.25rem 0.3rem; }
}
</style>
"""


def tutor_stylesheet() -> W.HTML:
    """The extra stylesheet as a widget (a constant: no learner text in it)."""
    return W.HTML(CSS)
