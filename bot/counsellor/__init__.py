"""The counsellor dashboard: review redacted transcripts, correct the bot, see what people need."""
