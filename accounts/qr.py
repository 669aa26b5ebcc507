"""QR codes for the set-up page, kept out of accounts.two_factor so that processes which never draw
one (the Celery worker, management commands) do not load qrcode and the imaging library it pulls in."""

import base64

import qrcode
import qrcode.image.svg


def qr_code_data_url(text: str) -> str:
    """`text` as a QR code, an SVG image in a data: URL (the content security policy allows images
    from data: and no inline script; nothing is drawn with an imaging library)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
