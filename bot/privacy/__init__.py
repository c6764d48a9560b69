"""Personal data is removed before anything is stored or logged."""
