"""IDs used across pages: the URL, the app-wide stores and the refresh timer."""

URL = "shell-url"
DATA_VERSION = "shell-data-version"
REFRESH = "shell-refresh"
LANGUAGE = "shell-language"
VERSION_BADGE = "shell-version-badge"
