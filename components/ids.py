"""IDs used across pages: the URL, the app-wide stores, the data version's event stream and the refresh timer."""

URL = "shell-url"
DATA_VERSION = "shell-data-version"
REFRESH = "shell-refresh"
EVENTS = "shell-events"
LANGUAGE = "shell-language"
VERSION_BADGE = "shell-version-badge"
