"""The newsletter: subscribers with double opt-in, lists, preferences, unsubscribe and bounces."""
