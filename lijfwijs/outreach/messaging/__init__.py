"""Messages between a client and their practitioner while access is granted."""
