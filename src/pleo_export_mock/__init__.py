"""pleo-export-mock: a stateful sandbox of Pleo's Export API."""
