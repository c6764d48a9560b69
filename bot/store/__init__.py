"""The storage layer: where conversations are stored, Rasa's events table, the project's own tables, reads and deletion."""
