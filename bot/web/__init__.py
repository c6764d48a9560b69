"""The public web tier: demo pages, the embeddable widget and the chat API in front of Rasa."""
