"""`mkdocs`, with configuration errors that name the configuration file.

MkDocs reports a bad option as "Config value 'markdown_extensions': …" without
saying which file holds it. This wrapper (used by the Makefile and the tests)
prefixes those messages with the config file's path, then runs the ordinary
MkDocs command line unchanged: `python scripts/mkdocs_cli.py build --strict`.
"""

from __future__ import annotations

import logging
import sys

from mkdocs.__main__ import cli


def config_file(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg in ("-f", "--config-file") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config-file="):
            return arg.split("=", 1)[1]
    return "mkdocs.yml"


class NameConfigFile(logging.Filter):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Config value"):
            record.msg = f"{self.path}: {record.msg}"
        return True


if __name__ == "__main__":
    logging.getLogger("mkdocs.config").addFilter(NameConfigFile(config_file(sys.argv[1:])))
    sys.exit(cli())
