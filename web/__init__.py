"""Web plumbing beside the pages: HTTP endpoints, request guards and limits, and how responses are sent."""
