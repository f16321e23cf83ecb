"""`make test`'s type check: mypy over the package as it is installed.

pyproject.toml maps top-level folders into the package (`components/` is
`foundry_estate.components`, `policy/` is `foundry_estate.policy`); an editable install follows that
mapping with an import hook, which mypy does not run. So this builds the installed layout as a
view of symbolic links (build/typecheck/foundry_estate), runs mypy on it with pyproject's
`[tool.mypy]`, and prints each path as it is in the repository.
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib

from mypy import api

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIEW = os.path.join(REPO, "build", "typecheck")


def build_view() -> dict[str, str]:
    """The package as installed, of links to the repository; returns view path -> repository path."""
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as handle:
        mapping = tomllib.load(handle)["tool"]["setuptools"]["package-dir"]
    shutil.rmtree(VIEW, ignore_errors=True)
    package = os.path.join(VIEW, "foundry_estate")
    os.makedirs(package)
    links = {}
    for entry in os.listdir(os.path.join(REPO, "foundry_estate")):
        if entry != "__pycache__":
            links[f"foundry_estate/{entry}"] = f"foundry_estate/{entry}"
    for name, folder in mapping.items():
        parts = name.split(".")
        if len(parts) == 2 and parts[0] == "foundry_estate" and os.path.isfile(os.path.join(REPO, folder, "__init__.py")):
            links[f"foundry_estate/{parts[1]}"] = folder
    for view_path, repo_path in links.items():
        os.symlink(os.path.join(REPO, repo_path), os.path.join(VIEW, view_path))
    return links


def main() -> int:
    links = build_view()
    here = os.getcwd()
    os.chdir(VIEW)
    try:
        out, err, status = api.run(["--config-file", os.path.join(REPO, "pyproject.toml"),
                                    "--cache-dir", os.path.join(REPO, "build", "mypy-cache"), "-p", "foundry_estate"])
    finally:
        os.chdir(here)
    for view_path, repo_path in sorted(links.items(), key=lambda item: -len(item[0])):
        out = out.replace(view_path + "/", repo_path + "/").replace(view_path + ":", repo_path + ":")
    sys.stdout.write(out)
    sys.stderr.write(err)
    return status


if __name__ == "__main__":
    sys.exit(main())
