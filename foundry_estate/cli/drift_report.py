"""Drift for people (text; markdown for the issue the scheduled workflow keeps per stack) and for
programs (JSON)."""

from __future__ import annotations

import json
from typing import TextIO

from foundry_estate.cli import markdown as md
from foundry_estate.live.drift import DriftReport
from foundry_estate.errors import one_line
from foundry_estate.words import plural


def _headline(report: DriftReport) -> str:
    where = f"resource group {report.resource_group}, subscription {report.subscription}"
    if not report.drifts:
        return f"Stack {report.stack}: no drift: Azure matches the manifest ({where})"
    return f"Stack {report.stack}: {plural(len(report.drifts), 'difference')} between Azure and the manifest ({where})"


def text(report: DriftReport, out: TextIO) -> None:
    print(one_line(_headline(report)), file=out)
    for item in report.drifts:
        print(one_line(f"  {item}"), file=out)
    for note in report.notes:
        print(one_line(f"  (not compared) {note}"), file=out)


def markdown(report: DriftReport, out: TextIO) -> None:
    """For a GitHub issue: values from Azure and the manifest are escaped (`cli/markdown.py`)."""
    print(f"## foundry-estate drift: stack {md.code(report.stack)}\n", file=out)
    print(md.text(_headline(report).split(": ", 1)[1]) + "\n", file=out)
    for item in report.drifts:
        print(f"- **{md.text(item.subject)}**: {md.text(item.text)}  \n  {md.code(item.resource_id)}", file=out)
    if report.notes:
        print("\n<details><summary>Not compared (the manifest cannot express it)</summary>\n", file=out)
        for note in report.notes:
            print(f"- {md.text(note)}", file=out)
        print("\n</details>", file=out)
    if report.drifts:
        print("\nBring Azure back with `pulumi up`, or the manifest up to date with a pull request "
              "(`foundry-estate import` shows what Azure has).", file=out)


def as_json(report: DriftReport, out: TextIO) -> None:
    json.dump({"stack": report.stack, "subscription": report.subscription, "resourceGroup": report.resource_group,
               "drift": [{"kind": d.kind, "subject": d.subject, "text": d.text, "resourceId": d.resource_id,
                          "path": d.path or None, "azure": d.azure, "manifest": d.manifest} for d in report.drifts],
               "notCompared": list(report.notes)}, out, indent=2, sort_keys=True)
    out.write("\n")


REPORTERS = {"text": text, "markdown": markdown, "json": as_json}
