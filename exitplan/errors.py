"""Errors that stop a run. Bad input files never raise: they become an input status."""


class ExitplanError(Exception):
    """A problem with the user's setup (options, config, catalogs). The CLI prints it as one line."""

    exit_code = 2


class ConfigError(ExitplanError):
    pass


class CatalogError(ExitplanError):
    pass


class UsageError(ExitplanError):
    pass
