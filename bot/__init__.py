"""Hulpwijzer: an anonymous help-signposting assistant built on Rasa Open Source."""
