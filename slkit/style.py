"""The kit's look, one stylesheet for its pages and its HTML report (content lives under `.slk`)."""

KIT_CSS = """
.slk { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2933; line-height: 1.45; font-size: 16px; }
.slk li { font-size: 1rem; margin: 0.25em 0; }
.slk h1 { font-size: 1.9rem; margin: 0.2em 0 0.1em; color: #123c5a; }
.slk h2 { font-size: 1.35rem; margin: 0.8em 0 0.3em; color: #123c5a; }
.slk p { margin: 0.3em 0; font-size: 1.05rem; }
.slk .muted { color: #52606d; }
.slk a:not(.card) { color: #1a6fa3; text-decoration: underline; overflow-wrap: anywhere; }
.slk .msg-error { color: #9b1c1c; background: #fde8e8; border-left: 4px solid #c81e1e; padding: 0.5em 0.8em; border-radius: 4px; }
.slk .example-team { color: #1f2933; background: #fef3c7; border-left: 4px solid #b45309; padding: 0.5em 0.8em; border-radius: 4px; }
.slk .msg-ok { color: #03543f; background: #def7ec; border-left: 4px solid #0e9f6e; padding: 0.5em 0.8em; border-radius: 4px; }
.slk .card { display: block; border: 1px solid #cbd2d9; border-radius: 8px; padding: 0.7em 1em; margin: 0.5em 0;
             text-decoration: none; color: inherit; background: #fff; }
.slk a.card:hover, .slk a.card:focus { border-color: #1a6fa3; box-shadow: 0 0 0 2px #b3d7ef; }
.slk .card b { color: #123c5a; font-size: 1.1rem; }
.slk .code.bigcode { font-size: 3.5rem; font-weight: 700; color: #123c5a; margin: 0.1em 0 0.3em; }
.slk .code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 1.2em; letter-spacing: 0.08em; }
.slk table { border-collapse: collapse; font-size: 1rem; } .slk td, .slk th { padding: 0.3em 0.8em; text-align: left; border-bottom: 1px solid #e4e7eb; }
.slk h3 { font-size: 1.1rem; margin: 0.9em 0 0.2em; color: #334e68; }
.slk .item-text { margin: 0.9em 0 0.3em; font-size: 1.05rem; }
.slk .scale-ends { display: flex; justify-content: space-between; font-size: 0.85rem; color: #52606d; max-width: 36em; margin-bottom: 0.2em; }
.slk .savebar { display: inline-block; padding: 0.2em 0.6em; }
.slk a.download { display: inline-block; margin: 0.8em 0; padding: 0.5em 1em; border: 1px solid #1a6fa3; border-radius: 6px; text-decoration: none; }
.slk .team-table td.mean, .slk .team-table td.own { font-weight: 600; }
.slk-scale.widget-toggle-buttons { width: 100%; max-width: 36em; }
/* The points share one row at every width and zoom (a "10" alone on a second row reads as another question). */
.slk-scale > div { display: flex; flex-wrap: nowrap; gap: 4px; width: 100%; }
.slk-scale .widget-toggle-button { min-width: 0; flex: 1 1 0; padding: 0; height: 2.8em; font-size: 1.05rem; margin: 0 !important; }
.slk-scale .widget-toggle-button.mod-active { background: #1a6fa3; color: #fff; }
.slk-text input, .slk-text textarea { font-size: 1.05rem !important; font-family: inherit !important; }
.slk-text textarea { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif !important; }
.jupyter-widgets-disconnected::before { display: none !important; }
.slk tr.against td { color: #9b1c1c; }
.slk .scroll { overflow-x: auto; max-width: 100%; }
.slk .t360 td.num { text-align: right; white-space: nowrap; } .slk .t360 th[scope=row] { font-weight: normal; }
.slk .t360 th { vertical-align: bottom; } .slk .t360 th[scope=row] { vertical-align: top; }
.slk .practices-360 { width: 100%; } .slk .practices-360 td.num { text-align: left; width: 55%; }
.slk .practices-360 .value { display: inline-block; min-width: 2.4em; } .slk .practices-360 tr.practice-row th { padding-top: 0.8em; color: #123c5a; }
.slk .practices-360 .bar { display: inline-block; height: 0.8em; max-width: calc(100% - 2.6em); border-radius: 2px; vertical-align: middle;
  background: #6b7785; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.slk .practices-360 .bar.you { background: #1a6fa3; } .slk .practices-360 .bar.all { background: #b35c00; }
.slk .comments-360 ul { margin: 0.2em 0 0.8em; } .slk .comments-360 p.practice { margin: 0.6em 0 0; }
.slk .link-360 { display: flex; flex-wrap: wrap; gap: 0.4em 0.8em; align-items: center; margin: 0.6em 0; padding: 0.6em 0.8em;
  border: 1px solid #c7d0d9; border-radius: 6px; }
.slk .link-360 input { flex: 1 1 16em; min-width: 0; font-size: 0.9rem; padding: 0.3em; }
.slk .link-360 .qr svg { width: 9em; height: 9em; }
.slk .invites-360 td, .slk .invites-360 th { white-space: nowrap; }
/* A table wider than a phone shows that it scrolls: a shadow at the edge that has more. */
.slk .scroll { background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 40px 100% no-repeat local,
  linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 40px 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) left / 14px 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) right / 14px 100% no-repeat scroll; }
.widget-html, .widget-html > .widget-html-content { max-width: 100%; min-width: 0; }
.slk { max-width: 100%; }
.slk table { max-width: 100%; }
.slk h3, .slk p { overflow-wrap: anywhere; }
@media (max-width: 520px) { .slk td, .slk th { padding: 0.3em 0.4em; } .slk .culture-table td:first-child { min-width: 10em; } }
.slk ul.texts { list-style: none; padding: 0; }
.slk ul.texts li { border-left: 4px solid #b3d7ef; background: #f5f7fa; padding: 0.4em 0.8em; margin: 0.4em 0; }
.slk-rank.widget-dropdown { flex-wrap: wrap; width: 100% !important; max-width: 46em; height: auto; margin-bottom: 6px; }
/* Wide enough for the longest option at desktop width; on a phone it takes the whole line. */
.slk-rank select { font-size: 1.05rem; height: 2.4rem; flex: 1 1 26em; min-width: 0; max-width: 100%; }
.slk-rank .widget-label { font-size: 1rem; line-height: 2.4rem; }
.slk-choice .widget-checkbox { height: auto; margin: 2px 0; }
.slk-choice .widget-checkbox label { font-size: 1.05rem; line-height: 1.4; padding: 0.35em 0; cursor: pointer; }
.slk-choice .widget-checkbox input { width: 1.25rem; height: 1.25rem; margin-right: 0.6em; }
@media (max-width: 520px) { .slk-rank .widget-label { width: 100% !important; text-align: left; line-height: 1.6; } }
.slk .board { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.slk .board .col { border: 1px solid #cbd2d9; border-radius: 8px; padding: 0.2em 0.8em 0.5em; background: #fff; }
.slk .board .col-strengths, .slk .board .col-so { border-top: 5px solid #0e9f6e; }
.slk .board .col-weaknesses, .slk .board .col-st { border-top: 5px solid #c27803; }
.slk .board .col-opportunities, .slk .board .col-wo { border-top: 5px solid #1a6fa3; }
.slk .board .col-threats, .slk .board .col-wt { border-top: 5px solid #c81e1e; }
.slk .board ul, .slk ul.vote-list { list-style: none; padding: 0; margin: 0.2em 0; }
.slk li.entry { padding: 0.3em 0; border-bottom: 1px solid #f0f2f5; overflow-wrap: anywhere; }
.slk li.entry .votes { display: inline-block; min-width: 1.8em; margin-right: 0.5em; text-align: center; border-radius: 999px;
                       background: #123c5a; color: #fff; font-weight: 600; font-size: 0.9rem; }
.slk .links, .slk .merged { font-size: 0.9rem; }
.slk .vote-head .left { font-weight: 400; font-size: 0.95rem; margin-left: 0.4em; }
.slk .mydots { color: #1a6fa3; letter-spacing: 2px; }
.slk .live { font-size: 0.9rem; margin-right: 1em; }
.slk-columns.widget-toggle-buttons { width: 100%; }
.slk-columns > div { display: flex; flex-wrap: wrap; gap: 4px; }
.slk-columns .widget-toggle-button { height: 2.6rem; font-size: 1rem; flex: 1 1 8em; margin: 0 !important; }
.slk-columns .widget-toggle-button.mod-active { background: #1a6fa3; color: #fff; }
.slk-vote { height: 2.4rem !important; font-size: 1.3rem !important; padding: 0 !important; min-width: 2.75rem; flex: none; }
/* A button never narrower than its longest word: on a 320 px screen, or with wider letter and
   word spacing, its words wrap onto a second line instead of being cut ("Legg til strat…", "−."). */
:is(#rendered_cells, .slk-page) .widget-button { white-space: normal; height: auto; min-height: var(--jp-widgets-inline-height, 28px);
                                 min-width: min-content; text-overflow: clip; line-height: 1.25; padding-top: 4px; padding-bottom: 4px; }
.slk-add-row { flex-wrap: wrap; gap: 6px; } .slk-add-row > .widget-text { flex: 1 1 12em; min-width: 0; }
.slk-add-row > .widget-button { flex: none; }
.slk-vote-row { padding: 2px 0; }
@media (max-width: 620px) { .slk .board { grid-template-columns: 1fr; } }
.slk .join { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.slk .join .qr svg { width: 260px; height: 260px; }
.slk .joined { font-size: 1.4rem; }
.slk .slk-timer { display: inline-block; font-size: 1.3rem; font-weight: 600; color: #123c5a; background: #e8f1f8;
                  border-radius: 6px; padding: 0.2em 0.8em; margin: 0.3em 0; }
.slk .slk-timer.done { background: #fde8e8; color: #9b1c1c; }
.slk .slk-timer.over { display: none; }
.slk-rating { border-bottom: 1px solid #e4e7eb; padding-bottom: 0.6em; }
@media (max-width: 520px) {
  .slk h1 { font-size: 1.5rem; }
  .slk-scale > div { flex-wrap: nowrap; gap: 3px; }
  .slk-scale .widget-toggle-button { min-width: 0; flex: 1 1 0; padding: 0; height: 3em; }
}
.slk-choice .widget-radio-box { height: auto; }
.slk-choice .widget-radio-box label { font-size: 1.05rem; line-height: 1.4; padding: 0.35em 0; cursor: pointer; white-space: normal; }
.slk-choice .widget-radio-box input { width: 1.25rem; height: 1.25rem; margin-right: 0.6em; flex: none; }
.slk-choice .widget-radio { width: auto; }
.slk .personal-code { white-space: nowrap; font-weight: 700; }
.slk .copy-code { font: inherit; font-size: 0.95rem; margin-left: 0.4em; padding: 0.2em 0.8em; border: 1px solid #1a6fa3;
                  border-radius: 6px; background: #fff; color: #1a6fa3; cursor: pointer; }
.slk .state { font-size: 0.95rem; font-weight: 600; }
.slk .state.done { color: #03543f; } .slk .state.started { color: #1a6fa3; } .slk .state.new, .slk .state.closed { color: #52606d; }
.slk nav .home-link { font-weight: 600; }
/* The language switch: the page's own language is marked, the other is a link to it. */
.slk .slk-languages { margin: 0 0 0.4em; }
.slk .slk-languages a { display: inline-block; padding: 0.35em 0.1em; }
.slk .slk-languages a[aria-current] { font-weight: 700; color: inherit; text-decoration: none; }
.slk .field-state { font-size: 0.9rem; }
/* The save bar stays in sight at the bottom of the window while there is something to say
   (fixed: Voila's output boxes scroll, so a sticky bar would stay at the end of the page). */
.slk-savebar { position: fixed; left: 0; right: 0; bottom: 0; background: #fff; z-index: 5; border-top: 1px solid #c5ccd3;
               padding: 0.3em 26px; box-shadow: 0 -2px 6px rgba(0,0,0,.08); }
.slk-savebar:not(:has(.savebar)):not(:has(#slk-float-timer)) { display: none !important; }
.slk-savebar { flex-wrap: wrap; gap: 0.3em 0.8em; }
/* Voila's page sits in Lumino panels with `contain: strict`, which makes a fixed element fixed
   to the panel (it scrolled away with the page): fixed to the window, as meant. */
.lm-BoxPanel:has(.slk-savebar), .lm-BoxPanel-child:has(.slk-savebar) { contain: none !important; }
/* Clicks and taps go through the bar to what is under it; only its Try again button takes them. */
.slk-savebar { pointer-events: none; } .slk-savebar button { pointer-events: auto; }
.widget-vbox:has(> .slk-savebar) { padding-bottom: 3.5em; }
/* What is scrolled to (a field given focus, a link followed) stops above the bar, not under it. */
html, body, .jp-Notebook, .lm-BoxPanel-child { scroll-padding-bottom: 4.5em; }
.slk-leave { margin-top: 1.5em; }
.slk-input input { font-size: 1.2rem !important; height: 2.4rem !important; }
.slk-button { height: auto !important; min-height: 2.6rem !important; font-size: 1.05rem !important; }
/* The room screen: read from the back of the room, one thing at a time, no scrolling. The type
   grows with the window's height (24 px at 720, 36 px at 1080), so a part holds as much text on
   every projector and summaries.screen_pages can page it once for all. */
.slk-screen .slk { font-size: max(24px, 3.34vh); line-height: 1.28; }
.slk-screen .slk p, .slk-screen .slk li, .slk-screen .slk td, .slk-screen .slk th, .slk-screen .slk span { font-size: 1em; }
.slk-screen .slk h1 { font-size: 1.45em; margin: 0.05em 0 0.15em; } .slk-screen .slk h2 { font-size: 1.25em; }
.slk-screen .slk h3, .slk-screen .slk h4 { font-size: 1.05em; margin: 0.3em 0 0.1em; }
.slk-screen .slk table { width: 100%; font-size: 1em; } .slk-screen .slk td, .slk-screen .slk th { padding: 0.08em 0.45em; }
.slk-screen .slk p { margin: 0.15em 0; }
.slk-screen .slk .muted { color: #3e4c59; }
.slk-screen .slk .screen-module { color: #3e4c59; margin: 0; }
.slk-screen .slk .screen-page { font-weight: 400; color: #3e4c59; font-size: 0.7em; margin-left: 0.6em; white-space: nowrap; }
.slk-screen .slk ul.texts li { padding: 0.12em 0.6em; margin: 0.18em 0; }
.slk-screen .slk ul.board-column { list-style: none; padding: 0; margin: 0; }
.slk-screen .slk li.entry { padding: 0.1em 0; }
/* Votes as large as the item they count (the back row reads both). */
.slk-screen .slk li.entry .votes, .slk-screen .slk .votes-table td.votes { font-size: 1em; min-width: 2em; }
.slk-screen .slk .links, .slk-screen .slk .merged { font-size: 1em; }
.slk-screen .slk-themes .slk { font-size: max(24px, 3.34vh); }
.slk-screen .slk ol.themes-list { margin: 0.2em 0; padding-left: 1.6em; } .slk-screen .slk ol.themes-list li { margin: 0.05em 0; white-space: nowrap; }
.slk-screen .slk ol.themes-list.many { columns: 2; column-gap: 2.2em; }
.slk ol.themes-list .count { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 999px; background: #e8f1f8;
                             color: #123c5a; font-weight: 700; }
.slk .screen-where { font-weight: 600; margin-left: 0.6em; }
.slk-screen .screen-join { display: flex; gap: 4vw; align-items: center; justify-content: center; min-height: 86vh; }
.slk-screen .screen-join .qr svg { width: min(76vh, 44vw); height: min(76vh, 44vw); display: block; }
.slk-screen .screen-join h1 { font-size: 1.5em; }
.slk-screen .slk .screen-code { font-size: 3.4em; font-weight: 800; color: #123c5a; letter-spacing: 0.08em; margin: 0; white-space: nowrap; }
.slk-screen .link { font-weight: 700; overflow-wrap: break-word; word-break: normal; }
.slk-screen .screen-countdown, .slk-screen .screen-pause { min-height: 84vh; display: flex; flex-direction: column; justify-content: center; align-items: center; text-align: center; }
.slk-screen .screen-countdown .slk-timer { font-size: 20vh; background: none; padding: 0; }
.slk-screen .slk .screen-sub { font-size: 1.3em; }
.slk-screen .screen-title { margin-top: 0; }
.slk-screen-ticker { display: none !important; }
/* The console: the essentials within a laptop's first screen. */
.slk .console-top { display: flex; gap: 16px; align-items: center; }
.slk .console-top .qr svg { width: 112px; height: 112px; display: block; }
.slk .console-top p { margin: 0.2em 0; }
.slk .screen-now { font-size: 1.1rem; }
.slk-tabs .lm-TabBar-tab:not(.lm-mod-current) { background: #e4e7eb !important; }
.slk-tabs .lm-TabBar-tab .lm-TabBar-tabLabel { color: #1f2933 !important; }
.slk-date.widget-datepicker { flex-wrap: wrap; height: auto; width: 100%; max-width: 36em; box-sizing: border-box; }
.slk-date input { flex: 1 1 auto; min-width: 0; max-width: 100%; box-sizing: border-box; margin: 0 !important; }
.slk-date .widget-label { width: 100% !important; max-width: none !important; white-space: normal !important; overflow: visible !important;
                          text-overflow: clip !important; text-align: left !important; font-size: 1.05rem; line-height: 1.4; height: auto;
                          margin: 0.9em 0 0.3em; color: #1f2933; }
.slk-tabs .lm-TabBar-tab { font-size: 0.95rem; flex: 0 0 auto !important; max-width: none !important; min-width: 9em; padding: 0 1em; }
body:has(.slk-screen) #slk-float-timer { display: none; }
/* A focus indicator everyone can see (2.4.13: at least 2 px, 3:1 against what is around it). */
:is(#rendered_cells, .slk-page) button:focus-visible, :is(#rendered_cells, .slk-page) input:focus-visible, :is(#rendered_cells, .slk-page) select:focus-visible,
:is(#rendered_cells, .slk-page) textarea:focus-visible, :is(#rendered_cells, .slk-page) a:focus-visible, :is(#rendered_cells, .slk-page) [tabindex]:focus-visible {
  outline: 3px solid #0b4f8a !important; outline-offset: 2px !important; }
/* On a rating scale's points and the SWOT quadrants (a row of buttons side by side) the ring is
   drawn inside the button: outside it the row and its neighbours would cut it off. A dark edge
   with a white band inside it shows on a chosen (filled) point too, unlike the choice itself. */
:is(#rendered_cells, .slk-page) .slk-scale .widget-toggle-button:focus-visible, :is(#rendered_cells, .slk-page) .slk-columns .widget-toggle-button:focus-visible {
  outline: 3px solid #0b4f8a !important; outline-offset: -3px !important; box-shadow: inset 0 0 0 6px #fff !important; }
/* Edges that show where a control is (3:1 against white), and a choice shown by more than colour. */
.slk-scale .widget-toggle-button, .slk-columns .widget-toggle-button { border: 1px solid #7b8794; background: #fff; color: #1f2933; }
.slk-scale .widget-toggle-button.mod-active, .slk-columns .widget-toggle-button.mod-active {
  font-weight: 700; text-decoration: underline; text-underline-offset: 0.2em; border-color: #123c5a; }
.slk-text input, .slk-text textarea, .slk-input input { border: 1px solid #7b8794 !important; }
/* Every check box large enough to hit on a phone, its label as readable as the page's text. */
:is(#rendered_cells, .slk-page) .widget-checkbox { height: auto; }
:is(#rendered_cells, .slk-page) .widget-checkbox input { width: 1.25rem; height: 1.25rem; margin-right: 0.6em; flex: none; }
:is(#rendered_cells, .slk-page) .widget-checkbox label { font-size: 1rem; line-height: 1.4; white-space: normal; overflow: visible; text-overflow: clip; cursor: pointer; }
.slk details.figure-figures { margin: 0.2em 0 0.8em; } .slk details.figure-figures summary { cursor: pointer; color: #1a6fa3; }
.slk .figure-table td, .slk .figure-table th { font-size: 0.95rem; }
"""
