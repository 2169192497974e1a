"""The `slkit` command: serve a workshop, create and list sessions, export, make a demo.

Every error a person can cause ends with one line on stderr and exit status 2; a traceback
means a bug in the kit.
"""

from __future__ import annotations

import argparse
import os
import json
import sys

from . import KitError, __version__, i18n


def _store(args, *, migrate: bool = True):
    from .store import Store

    store = Store(args.database_url)
    if migrate:
        store.migrate()
    return store


def _base_url(args) -> str:
    """Links that the room can use: --public-url, else the running server's address (its state
    file), else this machine on --port."""
    if args.public_url:
        return args.public_url.rstrip("/")
    if args.port is None:
        from .server import running_base_url

        running = running_base_url()
        if running:
            return running
    return f"http://127.0.0.1:{args.port or 8866}"


def cmd_serve(args) -> int:
    from .content import load_frameworks
    from .server import ServeOptions, check_port_free, preheat_notebooks, serve, server_key
    from .sessions import facilitator_link

    opts = ServeOptions(
        host=args.host, port=args.port, database_url=args.database_url, cull_idle_timeout=args.cull_idle_timeout,
        preheat=args.preheat, preheat_pages=tuple(p.strip() for p in args.preheat_pages.split(",") if p.strip()),
        public_url=args.public_url, max_kernels=args.max_kernels, max_per_address=args.max_per_address,
        address_limit_exempt=args.address_limit_exempt, trust_proxy=args.trust_proxy,
        connect_timeout=args.connect_timeout, behind_proxy=args.worker, render_at_once=args.render_at_once,
        language=args.lang, kernels=args.kernels,
    )
    if args.workers and args.worker:
        raise KitError("--workers starts the workers itself; --worker is for one worker behind a proxy you run.")
    load_frameworks()  # a broken content file stops here, with its name and field
    ready = preheat_notebooks(opts.preheat_pages) if opts.preheat > 0 else []  # an unknown page stops here
    check_port_free(opts.host, opts.port)
    budget = opts.budget()
    if args.worker:
        # One of several: the schema is migrated under a lock (PostgreSQL); the key is the
        # launcher's or `slkit key rotate`'s, never changed here.
        _store(args).dispose()
        print(f"slkit worker {__version__} on {opts.host}:{opts.port} behind a proxy; links: {opts.base_url()}/", flush=True)
        serve(opts)
        return 0
    if args.workers:
        from .workers import haproxy

        haproxy()  # missing: say so before anything starts
        for p in range(opts.port + 1, opts.port + args.workers + 1):
            check_port_free("127.0.0.1", p)
    store = _store(args)
    key = server_key(store)
    # On one machine the workers share its memory: the default budget is split between them.
    per_worker = budget.total if args.max_kernels or not args.workers else max(10, budget.total // args.workers)
    base = opts.base_url()
    from .network import room_addresses

    others = [a for a in room_addresses() if a not in base] if opts.host in ("0.0.0.0", "::", "") and not opts.public_url else []
    where = ("  Only this computer can open these links: the server listens on this machine only.\n"
             "  For a room, start it with --host 0.0.0.0 (or give --public-url).\n" if opts.loopback_only() else "")
    print(
        f"\nSocial Leadership Workshop Kit {__version__}, store: {store.describe()}\n"
        f"  Participants: {base}/\n"
        + "".join(f"  (also reachable at http://{a}:{opts.port}/; use --public-url to choose it)\n" for a in others)
        + where
        + f"  Facilitator (keep this link to yourself, off the projector): {facilitator_link(base, key)}\n"
        + (f"  Keeping {opts.preheat} kernel(s) ready for each of: {', '.join(ready)}\n" if ready else "")
        + (f"  {args.workers} workers on ports {opts.port + 1}-{opts.port + args.workers} behind HAProxy on port {opts.port}; "
           f"at most {per_worker} pages open on each (--max-kernels).\n" if args.workers else
           f"  At most {budget.total} pages open at once (--max-kernels).\n")
        + "  Stop with Ctrl+C.\n",
        flush=True,
    )
    store.dispose()
    if args.workers:
        from .paths import database_url
        from .server import write_state
        from .workers import Workers

        write_state(opts)
        worker_args = ["--public-url", base, "--database-url", database_url(args.database_url),
                       "--cull-idle-timeout", str(args.cull_idle_timeout), "--max-per-address", str(args.max_per_address),
                       "--trust-proxy", f"{args.trust_proxy},127.0.0.1,::1"] + (["--address-limit-exempt", args.address_limit_exempt] if args.address_limit_exempt else []) + [
                       "--connect-timeout", str(args.connect_timeout), "--max-kernels", str(per_worker),
                       "--render-at-once", str(args.render_at_once), "--kernels", args.kernels] + (["--lang", args.lang] if args.lang else [])
        if opts.preheat > 0:
            worker_args += ["--preheat", str(opts.preheat)] + (["--preheat-pages", args.preheat_pages] if args.preheat_pages else [])
        Workers(args.workers, opts.host, opts.port, worker_args).run()
        return 0
    serve(opts)
    return 0


def cmd_session_new(args) -> int:
    from .sessions import facilitator_link, follow_up_link, join_link, screen_link

    from .content import load_frameworks

    store = _store(args)
    modules = None
    if args.modules:
        modules = [m.strip() for m in args.modules.split(",") if m.strip()]
        unknown = [m for m in modules if m not in load_frameworks()]
        if unknown:
            raise KitError(f"Unknown module {', '.join(unknown)}; choose from {', '.join(load_frameworks())}.")
    elif args.after:
        modules = None  # the earlier session's plan
    else:
        modules = [m for m, fw in load_frameworks().items() if fw.default_plan]
    settings = {"vote_budget": args.vote_budget} if args.vote_budget is not None else {}
    s = store.create_session(args.title, args.threshold, settings, modules=modules, start_open=args.open,
                             language=args.lang or (None if args.after else i18n.server_default()), follow_up=args.follow_up,
                             after=args.after)
    modules = s.settings.get("modules") or modules
    base = _base_url(args)
    out = {
        "code": s.code, "title": s.title, "threshold": s.threshold, "modules": modules, "language": s.language,
        "join_link": join_link(base, s.code),
        "facilitator_link": facilitator_link(base, s.key, s.code),
        "facilitator_key": s.key,
        "screen_link": screen_link(base, s.code, s.screen_key),
    }
    if s.follow_up:
        out["follow_up"] = s.follow_up.isoformat()
        out["follow_up_link"] = follow_up_link(base, s.code)
    if args.after:
        out["after"] = s.settings.get("after")
    if args.json:
        print(json.dumps(out))
    else:
        print(f"Session {s.code}: {s.title} (team results from {s.threshold} answers; language: {i18n.LANGUAGES[s.language]})\n"
              + (f"  After session:     {s.settings.get('after')} (its plan and settings; the report compares the two)\n" if args.after else "")
              + f"  Modules:           {', '.join(modules)} ({'open' if args.open else 'closed until you open them'})\n"
              + (f"  Follow-up:         {s.follow_up.isoformat()} (send the team this link then: {out['follow_up_link']})\n" if s.follow_up else "")
              + f"  Join link:         {out['join_link']}\n"
              f"  Facilitator link:  {out['facilitator_link']}\n"
              f"  Room screen:       {out['screen_link']}\n"
              f"  Facilitator key:   {s.key}  (shown once; keep it private)")
    return 0


def cmd_session_follow_up(args) -> int:
    from .sessions import follow_up_link

    store = _store(args)
    s = store.set_follow_up(args.code, None if args.clear else args.on)
    if s.follow_up:
        print(f"Session {s.code}: the follow-up is on {s.follow_up.isoformat()}. Send the team this link then: {follow_up_link(_base_url(args), s.code)}")
    else:
        print(f"Session {s.code}: no follow-up date.")
    return 0


def cmd_session_list(args) -> int:
    store = _store(args)
    sessions = store.list_sessions()
    counts = {s.code: store.participant_count(s.code) for s in sessions}
    if args.json:
        print(json.dumps([
            {"code": s.code, "title": s.title, "threshold": s.threshold, "participants": counts[s.code],
             "created_at": s.created_at.isoformat()} for s in sessions
        ]))
        return 0
    if not sessions:
        print("No sessions yet. Create one with: slkit session new --title \"Team day\"")
    for s in sessions:
        print(f"{s.code}  {s.created_at:%Y-%m-%d %H:%M}  {counts[s.code]:>4} participants  {s.title}")
    return 0


def cmd_session_delete(args) -> int:
    from .store import UnknownSession

    store = _store(args)
    try:
        session = store.get_session(args.code)
    except UnknownSession:
        raise KitError(f"There is no session {args.code.upper()} in {store.describe()} (slkit session list shows those there are).") from None
    n = store.participant_count(session.code)
    what = f"session {session.code} ({session.title}) with {n} participant(s) and all their answers"
    if not args.yes:
        if not sys.stdin.isatty():
            raise KitError(f"This deletes {what}, for good. Add --yes to do it without a question.")
        typed = input(f"This deletes {what}, for good. Type the code {session.code} to go on: ").strip().upper()
        if typed != session.code:
            print("Nothing deleted.")
            return 1
    store.delete_session(session.code)
    print(f"Deleted session {session.code} ({session.title}) with {n} participant(s) and all their answers.")
    return 0


def cmd_export(args) -> int:
    from .report import export

    store = _store(args)
    for path in export(store, args.code, args.format, args.out):
        print(path)
    return 0


def cmd_demo(args) -> int:
    from .demo import make_demo
    from .sessions import facilitator_link, join_link, screen_link

    store = _store(args)
    s = make_demo(store, participants=args.participants)
    base = _base_url(args)
    out = {"code": s.code, "title": s.title, "participants": args.participants,
           "join_link": join_link(base, s.code), "facilitator_link": facilitator_link(base, s.key, s.code),
           "facilitator_key": s.key, "screen_link": screen_link(base, s.code, s.screen_key)}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"Demo session {s.code} with {args.participants} participants' answers in every module.\n"
              f"  Join link:         {out['join_link']}\n"
              f"  Facilitator link:  {out['facilitator_link']}")
    return 0


def cmd_doctor(args) -> int:
    from .doctor import report, run_checks

    checks = run_checks(database_url=args.database_url, participants=args.participants, port=args.port, render=not args.quick)
    print(report(checks))
    return 0 if all(c.ok for c in checks) else 1


def cmd_key_rotate(args) -> int:
    from .server import rotate_server_key
    from .sessions import facilitator_link

    store = _store(args)
    key = rotate_server_key(store)
    print("A new server key: facilitator links with the old one no longer open the console.\n"
          f"  Facilitator (keep this link to yourself, off the projector): {facilitator_link(_base_url(args), key)}")
    return 0


def cmd_lab(args) -> int:
    """Self-study: JupyterLab on the kit's notebooks, saved without outputs (slkit.jupyter_hooks)."""
    import subprocess

    from . import selfstudy
    from .jupyter_hooks import lab_arguments, lab_environment

    print(f"Your answers are saved in {selfstudy.store_path()}", flush=True)
    return subprocess.call([sys.executable, "-m", "jupyter", "lab", *lab_arguments(), *args.lab_args], env=lab_environment())


def _threshold(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if not 1 <= n <= 1000:
        raise argparse.ArgumentTypeError("must be from 1 to 1000")
    return n


def _language(value: str) -> str:
    lang = i18n.normalize(value)
    if lang is None:
        raise argparse.ArgumentTypeError(f"'{value}' is not a language the kit speaks; choose en or nb")
    return lang


def _networks(value: str) -> str:
    from .kernel_budget import parse_networks

    try:
        parse_networks(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return value


RENDER_AT_ONCE = 2 * (os.cpu_count() or 2)


def build_parser() -> argparse.ArgumentParser:
    from .server import ServeOptions

    p = argparse.ArgumentParser(prog="slkit", description="Social Leadership Workshop Kit")
    p.add_argument("--version", action="version", version=f"slkit {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="SQLAlchemy URL of the store (default: $SLKIT_DATABASE_URL, else an SQLite file in data/)")
    links = argparse.ArgumentParser(add_help=False)
    links.add_argument("--port", type=int, default=None, help="port of the workshop server, for the links printed (default: the running server's)")
    links.add_argument("--public-url", help="the address participants use, e.g. http://192.168.1.20:8866")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("serve", parents=[common], help="start the workshop server")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for a room's Wi-Fi)")
    s.add_argument("--port", type=int, default=8866)
    s.add_argument("--public-url", help="the address participants use, if not host:port (e.g. behind a proxy)")
    s.add_argument("--cull-idle-timeout", type=int, default=120, help="seconds before a kernel with no page connected is stopped (default 120)")
    s.add_argument("--preheat", type=int, default=0, metavar="N",
                   help="keep N kernels started for each participant page, so N people can open it at once without waiting for kernels to start")
    s.add_argument("--preheat-pages", default="", metavar="PAGES",
                   help="which pages --preheat is for, comma-separated: landing and module ids (default: all of them)")
    s.add_argument("--max-kernels", type=_threshold, default=None, metavar="N",
                   help="kernels (open pages) on this server at most; beyond, a page says the workshop is full and tries again "
                        "(default: what the free memory holds, about 45 MB each with --kernels fork, 100 with spawn)")
    s.add_argument("--max-per-address", "--max-pending-per-address", dest="max_per_address", type=_threshold, default=10, metavar="N",
                   help="participant pages open at once per client address at most (default 10). A room on the laptop's Wi-Fi "
                        "has an address per phone; a room reaching a server on the internet may share one: raise it there")
    s.add_argument("--address-limit-exempt", default="", metavar="ADDRESSES", type=_networks,
                   help="addresses not held to --max-per-address, comma-separated (CIDR allowed), e.g. 127.0.0.1 for "
                        "trying many pages on this computer (default: none)")
    s.add_argument("--trust-proxy", default="127.0.0.1,::1", metavar="ADDRESSES", type=_networks,
                   help="proxies whose X-Forwarded-For names the client, comma-separated (CIDR allowed; default: this "
                        "machine, as with --workers). Client-sent forwarding headers from anyone else are ignored")
    s.add_argument("--connect-timeout", type=int, default=30, metavar="SECONDS",
                   help="stop a page's kernel when the page has not connected to it in this time (default 30)")
    s.add_argument("--render-at-once", type=int, default=RENDER_AT_ONCE, metavar="N",
                   help=f"participant pages that start at the same time; more wait their turn, first come first served "
                        f"(default {RENDER_AT_ONCE}: twice the processors; 0: no limit)")
    s.add_argument("--workers", type=_threshold, default=0, metavar="N",
                   help="run N workers on ports PORT+1..PORT+N behind HAProxy on PORT, restarting any that stops (needs haproxy; "
                        "use PostgreSQL for more than a few workers)")
    s.add_argument("--lang", type=_language, default=None, metavar="LANG",
                   help="the language of pages and new sessions: en (English) or nb (Norwegian bokmål; 'no' works too); "
                        "default: $SLKIT_LANG, else the computer's locale, else English")
    s.add_argument("--kernels", choices=("fork", "spawn"), default=ServeOptions.kernels,
                   help="how pages' kernels start: fork (from a warm parent process that has imported the kit: "
                        "a fraction of the memory and CPU; Linux) or spawn (a new Python each, as stock Voila); "
                        f"default here: {ServeOptions.kernels}")
    s.add_argument("--worker", action="store_true",
                   help="run as one worker behind a proxy you run (deploy/): client addresses from X-Forwarded-For; the key is left as it is")
    s.set_defaults(func=cmd_serve)

    sess = sub.add_parser("session", help="create, list or delete sessions").add_subparsers(dest="session_command", required=True, metavar="ACTION")
    n = sess.add_parser("new", parents=[common, links], help="create a session and print its links")
    n.add_argument("--title", required=True)
    n.add_argument("--threshold", type=_threshold, default=3, help="answers needed before team results show (default 3)")
    n.add_argument("--vote-budget", type=_threshold, default=None, help="SWOT votes per person and quadrant (default 3)")
    n.add_argument("--follow-up", metavar="DATE", default=None,
                   help="the day the team comes back to its commitments, e.g. 2027-02-15 (six weeks on is a good default); "
                        "the follow-up module joins the plan")
    n.add_argument("--after", metavar="CODE", default=None,
                   help="an earlier session with the same team: its plan and settings are the start, and the report compares the two")
    n.add_argument("--modules", help="the modules the session uses, in order, comma-separated (default: all four)")
    n.add_argument("--lang", type=_language, default=None, metavar="LANG",
                   help="the session's language: en or nb ('no' works too); participants may switch on their page (default: $SLKIT_LANG, else the computer's locale, else English)")
    n.add_argument("--open", action="store_true", help="open every module now with results shown (default: closed until you open them)")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=cmd_session_new)
    fu = sess.add_parser("follow-up", parents=[common, links], help="set the day the team comes back to its commitments")
    fu.add_argument("code")
    when = fu.add_mutually_exclusive_group(required=True)
    when.add_argument("--on", metavar="DATE", help="the follow-up date, e.g. 2027-02-15")
    when.add_argument("--clear", action="store_true", help="no follow-up date")
    fu.set_defaults(func=cmd_session_follow_up)
    dl = sess.add_parser("delete", parents=[common], help="delete a session with all its participants and answers")
    dl.add_argument("code")
    dl.add_argument("--yes", action="store_true", help="do not ask first (scripts); without it the code is asked for again")
    dl.set_defaults(func=cmd_session_delete)
    ls = sess.add_parser("list", parents=[common], help="list sessions")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_session_list)

    e = sub.add_parser("export", parents=[common], help="export a session's outcome: answers as CSV or Excel, or a report for the team (HTML)")
    e.add_argument("code")
    e.add_argument("--format", choices=["csv", "xlsx", "html"], required=True)
    e.add_argument("--out", required=True, help="a folder for csv (one file per module and one for the SWOT board), a file for xlsx and html")
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("demo", parents=[common, links], help="create a session filled with sample answers")
    d.add_argument("--participants", type=_threshold, default=8)
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_demo)

    doc = sub.add_parser("doctor", parents=[common], help="check this machine the day before a workshop: each line OK, or what to fix")
    doc.add_argument("--participants", type=_threshold, default=30, help="how many people to check the memory for (default 30)")
    doc.add_argument("--port", type=int, default=8866, help="the port the server will use, for the addresses shown")
    doc.add_argument("--quick", action="store_true", help="skip running a module page in a kernel")
    doc.set_defaults(func=cmd_doctor)

    key = sub.add_parser("key", help="the server key in the facilitator link").add_subparsers(dest="key_command", required=True, metavar="ACTION")
    rot = key.add_parser("rotate", parents=[common, links], help="make a new server key; links with the old one stop working")
    rot.set_defaults(func=cmd_key_rotate)

    lab = sub.add_parser("lab", help="work through the modules on your own in JupyterLab (answers kept on this computer)")
    lab.add_argument("lab_args", nargs=argparse.REMAINDER, help="further options for jupyter lab, e.g. --no-browser --port 8970")
    lab.set_defaults(func=cmd_lab)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["lab"] and not set(argv[1:2]) & {"-h", "--help"}:
        # Everything after `lab` is JupyterLab's (`slkit lab --no-browser --port 8970`); a `--`
        # before it is allowed and dropped.
        args = parser.parse_args(["lab"])
        args.lab_args = argv[2:] if argv[1:2] == ["--"] else argv[1:]
    else:
        args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KitError as e:
        print(f"slkit: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a file or folder the command needs (an export's --out, the data folder)
        where = f": {e.filename}" if e.filename else ""
        print(f"slkit: {e.strerror or e}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
