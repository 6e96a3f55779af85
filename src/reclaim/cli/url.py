"""``reclaim url``: the canonical form of URLs, as the takedown queue records them."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="URLs as Reclaim records them (never fetched).", no_args_is_help=True)


@app.command("canonical")
def canonical_command(
    urls: Annotated[list[str], typer.Argument(help="One or more URLs.", show_default=False)],
) -> None:
    """Print, one JSON line each, the canonical form and registered domain of each URL, or
    why it is refused; exit status 1 if any was refused. Nothing is fetched."""
    import json

    from reclaim.takedown.canonical import UrlRejected, canonical

    refused = False
    for text in urls:
        try:
            found = canonical(text)
        except UrlRejected as exc:
            refused = True
            line: dict[str, object] = {"input": text, "refused": str(exc)}
        else:
            line = {"input": text, **found.as_dict()}
        typer.echo(json.dumps(line, ensure_ascii=False, sort_keys=True))
    if refused:
        raise typer.Exit(1)
