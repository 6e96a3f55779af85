"""Welsh (cy) for the public pages: a first draft by the team, NOT yet reviewed by a native
speaker. ``python tools/cy_messages.py`` writes these into the cy catalogue (keeping any
msgid the .pot has and this file lacks untranslated, so a test lists it)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CY = {
    "%(name)s website": "Gwefan %(name)s",
    "(leave this site now)": "(gadael y wefan hon nawr)",
    "12 or younger": "12 oed neu iau",
    "13 to 17": "13 i 17 oed",
    '<strong>Do not delete the chat.</strong> Keep their usernames, links and messages. Take screenshots of the chat, but never of the photo. Never send or save the photo again.': '<strong>Paid â dileu’r sgwrs.</strong> Cadwch eu henwau defnyddiwr, y dolenni a’r negeseuon. Tynnwch sgrinluniau o’r sgwrs, ond byth o’r llun. Peidiwch byth ag anfon na chadw’r llun eto.',
    "<strong>Do not pay.</strong> Paying does not make them stop. If you already paid, do not pay any more.": "<strong>Peidiwch â thalu.</strong> Dydy talu ddim yn gwneud iddyn nhw stopio. Os ydych chi wedi talu’n barod, peidiwch â thalu rhagor.",
    "<strong>Do not send any more photos.</strong> Sending more does not make them stop. They just ask for more.": "<strong>Peidiwch ag anfon rhagor o luniau.</strong> Dydy anfon rhagor ddim yn gwneud iddyn nhw stopio. Maen nhw’n gofyn am ragor.",
    "<strong>Get it blocked.</strong> We can help stop the photo being shared, without anyone seeing it.": "<strong>Cael ei rwystro.</strong> Gallwn ni helpu i atal y llun rhag cael ei rannu, heb i neb ei weld.",
    "<strong>Stop replying, and block them.</strong> You do not have to answer.": "<strong>Stopiwch ateb, a’u rhwystro.</strong> Does dim rhaid i chi ateb.",
    '<strong>Tell someone you trust.</strong> A parent, carer, teacher or %(name)s on <a href="tel:%(tel)s">%(phone)s</a>. They will not blame you.': '<strong>Dywedwch wrth rywun rydych chi’n ymddiried ynddo.</strong> Rhiant, gofalwr, athro neu %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>. Fyddan nhw ddim yn eich beio chi.',
    '<strong>Tell someone you trust.</strong> A parent, carer, teacher or a helpline (<a href="%(url)s" rel="noreferrer">%(name)s</a>). They will not blame you.': '<strong>Dywedwch wrth rywun rydych chi’n ymddiried ynddo.</strong> Rhiant, gofalwr, athro neu linell gymorth (<a href="%(url)s" rel="noreferrer">%(name)s</a>). Fyddan nhw ddim yn eich beio chi.',
    "<strong>Tell someone you trust.</strong> A parent, carer, teacher or a helpline. They will not blame you.": "<strong>Dywedwch wrth rywun rydych chi’n ymddiried ynddo.</strong> Rhiant, gofalwr, athro neu linell gymorth. Fyddan nhw ddim yn eich beio chi.",
    'A grown-up can read <a href="/help/parents/checklist">what to do, step by step</a>.': 'Gall oedolyn ddarllen <a href="/help/parents/checklist">beth i’w wneud, gam wrth gam</a>.',
    "Australia": "Awstralia",
    "Back to the start": "Yn ôl i’r dechrau",
    "Block it now": "Rhwystro fe nawr",
    "Call:": "Ffoniwch:",
    "Canada": "Canada",
    "Check a report": "Gwirio adroddiad",
    "Choose how old you are, then press Next.": "Dewiswch faint yw eich oed, yna pwyswch Nesaf.",
    "For parents and carers": "I rieni a gofalwyr",
    "For professionals": "I weithwyr proffesiynol",
    "Get a nude photo or video of you blocked": "Cael rhwystro llun neu fideo noeth ohonoch chi",
    "Get help now": "Cael help nawr",
    "Give us the links": "Rhowch y dolenni i ni",
    "Help for adults": "Help i oedolion",
    "Help for young people": "Help i bobl ifanc",
    "How old are you?": "Faint yw eich oed chi?",
    "I already have a reference and PIN": "Mae gen i gyfeirnod a PIN yn barod",
    "I am 12 or younger": "Rydw i’n 12 oed neu iau",
    "I am 13 to 17": "Rydw i rhwng 13 a 17 oed",
    "I am 18 or over, and the image was taken when I was 18 or over": "Rydw i’n 18 oed neu’n hŷn, a chafodd y llun ei dynnu pan oeddwn i’n 18 oed neu’n hŷn",
    "I am 18 or over, and the image was taken when I was under 18": "Rydw i’n 18 oed neu’n hŷn, a chafodd y llun ei dynnu pan oeddwn i dan 18 oed",
    "I am a parent, carer or teacher helping a child": "Rydw i’n rhiant, yn ofalwr neu’n athro sy’n helpu plentyn",
    "If someone is tricking or threatening you": "Os oes rhywun yn eich twyllo neu’n eich bygwth",
    "If things feel too much": "Os yw pethau’n teimlo’n ormod",
    'If you are in danger right now, call <a href="tel:%(number)s">%(number)s</a>.': 'Os ydych chi mewn perygl nawr, ffoniwch <a href="tel:%(number)s">%(number)s</a>.',
    "If you are in danger right now, call your local emergency number.": "Os ydych chi mewn perygl nawr, ffoniwch eich rhif argyfwng lleol.",
    'If you are in danger, or you feel like hurting yourself, call <a href="tel:%(number)s">%(number)s</a> now.': 'Os ydych chi mewn perygl, neu’n teimlo fel brifo eich hun, ffoniwch <a href="tel:%(number)s">%(number)s</a> nawr.',
    "Language": "Iaith",
    "More help": "Rhagor o help",
    "Next": "Nesaf",
    "Not yet checked by a person": "Heb ei wirio gan berson eto",
    "Other services that can help": "Gwasanaethau eraill sy’n gallu helpu",
    "Press Esc twice to leave this site fast.": "Pwyswch Esc ddwywaith i adael y wefan hon yn gyflym.",
    "Privacy": "Preifatrwydd",
    "Quick exit": "Gadael yn gyflym",
    "Reclaim makes a code from your photo or video, on your phone. Websites use the code to find copies and block them. Your photo never leaves your phone.": "Mae Reclaim yn gwneud cod o’ch llun neu’ch fideo, ar eich ffôn. Mae gwefannau’n defnyddio’r cod i ddod o hyd i gopïau a’u rhwystro. Dydy eich llun byth yn gadael eich ffôn.",
    "Reclaim's block list is for images taken before someone was 18. For an image of you as an adult, these services can help. StopNCII.org works like Reclaim: your photo stays on your device.": "Mae rhestr rwystro Reclaim ar gyfer lluniau a dynnwyd cyn i rywun fod yn 18 oed. Ar gyfer llun ohonoch chi fel oedolyn, gall y gwasanaethau hyn helpu. Mae StopNCII.org yn gweithio fel Reclaim: mae eich llun yn aros ar eich dyfais.",
    "Report them.": "Rhowch wybod amdanyn nhw.",
    'Report to CEOP, or call the police on <a href="tel:101">101</a>. If you are in danger, call <a href="tel:999">999</a>.': 'Rhowch wybod i CEOP, neu ffoniwch yr heddlu ar <a href="tel:101">101</a>. Os ydych chi mewn perygl, ffoniwch <a href="tel:999">999</a>.',
    "Show": "Dangos",
    "Show help for": "Dangos help ar gyfer",
    "Skip to content": "Neidio i’r cynnwys",
    "Someone is threatening me": "Mae rhywun yn fy mygwth i",
    "Someone is threatening to share a photo of me": "Mae rhywun yn bygwth rhannu llun ohona i",
    "Someone sent me a nude photo of someone else": "Anfonodd rhywun lun noeth o rywun arall ata i",
    "Someone to talk to": "Rhywun i siarad â nhw",
    "Somewhere else": "Rhywle arall",
    "Source:": "Ffynhonnell:",
    "Staff sign in": "Mewngofnodi staff (yn Saesneg)",
    "Start": "Dechrau",
    "Start my report": "Dechrau fy adroddiad",
    "Talk to someone": "Siarad â rhywun",
    "Tell a grown-up you trust now. It can be your mum or dad, a carer or a teacher. They can help you do this.": "Dywedwch wrth oedolyn rydych chi’n ymddiried ynddo nawr. Gall fod yn fam neu’n dad i chi, yn ofalwr neu’n athro. Gallan nhw eich helpu i wneud hyn.",
    "Tell the police or one of the services below.": "Dywedwch wrth yr heddlu neu un o’r gwasanaethau isod.",
    "Tell the police where you live. A trusted adult can help you do it.": "Dywedwch wrth yr heddlu lle rydych chi’n byw. Gall oedolyn rydych chi’n ymddiried ynddo eich helpu i wneud hynny.",
    "Tell us where you saw it": "Dywedwch wrthon ni ble gwelsoch chi fe",
    "Text:": "Tecstiwch:",
    "Thank you for reaching out. None of this is your fault.": "Diolch am gysylltu. Does dim o hyn yn fai arnoch chi.",
    "Thank you for telling us. You are not in trouble, and this can be fixed.": "Diolch am ddweud wrthon ni. Dydych chi ddim mewn trwbl, a gellir datrys hyn.",
    "Thank you for telling us. You are not in trouble. It is not your fault.": "Diolch am ddweud wrthon ni. Dydych chi ddim mewn trwbl. Nid eich bai chi yw e.",
    "This is not your fault. The person doing this is the one in the wrong. You can get out of this, and people can help you right now.": "Nid eich bai chi yw hyn. Y person sy’n gwneud hyn sydd ar fai. Gallwch chi ddod allan o hyn, a gall pobl eich helpu chi nawr.",
    "United Kingdom": "Y Deyrnas Unedig",
    "United States": "Yr Unol Daleithiau",
    "We can help you": "Gallwn ni eich helpu chi",
    "We can help you block it": "Gallwn ni eich helpu i’w rwystro",
    "We can still write down the links where you saw it, and ask the websites to take it down.": "Gallwn ni ysgrifennu’r dolenni lle gwelsoch chi fe o hyd, a gofyn i’r gwefannau ei dynnu i lawr.",
    "We can stop the photo being sent on. Your phone makes a code from it. The photo stays on your phone. Nobody here will see it.": "Gallwn ni atal y llun rhag cael ei anfon ymlaen. Mae eich ffôn yn gwneud cod ohono. Mae’r llun yn aros ar eich ffôn. Fydd neb yma yn ei weld.",
    "What you can do": "Beth gallwch chi ei wneud",
    "Where do you live?": "Ble rydych chi’n byw?",
    "Who can help": "Pwy sy’n gallu helpu",
    "You are not in trouble. We can help stop a photo or video of you being shared online. Your photo stays on your phone. Nobody here will see it.": "Dydych chi ddim mewn trwbl. Gallwn ni helpu i atal llun neu fideo ohonoch chi rhag cael ei rannu ar-lein. Mae eich llun yn aros ar eich ffôn. Fydd neb yma yn ei weld.",
    "You can talk to someone now, for free, day or night.": "Gallwch chi siarad â rhywun nawr, am ddim, ddydd neu nos.",
    'in danger, call <a href="tel:%(number)s">%(number)s</a>.': 'mewn perygl, ffoniwch <a href="tel:%(number)s">%(number)s</a>.',
    "in danger, call your local emergency number.": "mewn perygl, ffoniwch eich rhif argyfwng lleol.",
}

HEADER = """Welsh (Cymraeg) for Reclaim's public pages.
NEEDS REVIEW BY A NATIVE SPEAKER BEFORE LAUNCH: a first draft by the team, not checked by a
Welsh speaker. See docs/young-people.md ("Languages")."""


def main() -> int:
    root = Path(__file__).resolve().parents[1] / "src/reclaim/web/translations"
    with (root / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    po_path = root / "cy/LC_MESSAGES/messages.po"
    template.locale = "cy"
    template.header_comment = "\n".join(f"# {line}" for line in HEADER.splitlines())
    template.language_team = "Welsh (needs review by a native speaker)"
    template.fuzzy = False
    for message in template:
        if message.id and isinstance(message.id, str):
            message.string = CY.get(message.id, "")
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as out:
        write_po(out, template, width=100, omit_header=False)
    missing = [m.id for m in template if m.id and not m.string]
    for message_id in missing:
        print("untranslated:", message_id, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
