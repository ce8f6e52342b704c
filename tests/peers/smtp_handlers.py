"""aiosmtpd handlers for tests/peers/smtp.sh: a server that refuses mail."""


class Refuse:
    """Refuses every recipient, as a server does that will not relay for us."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.7.1 Relaying denied"
