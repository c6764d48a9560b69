"""Custom actions: they fill slots from the reviewed data in seeds/; replies are domain templates."""
