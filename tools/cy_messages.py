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
    "<strong>Do not delete the chat.</strong> Keep their usernames, links and messages. Take screenshots of the chat, but never of the photo. Never send or save the photo again.": "<strong>Paid â dileu’r sgwrs.</strong> Cadwch eu henwau defnyddiwr, y dolenni a’r negeseuon. Tynnwch sgrinluniau o’r sgwrs, ond byth o’r llun. Peidiwch byth ag anfon na chadw’r llun eto.",
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

# The report, its reference and PIN, the status page (with sharing), privacy, the directory.
CY.update(
    {
        "6 numbers.": "6 rhif.",
        "9 letters and numbers, like ABC-DEF-GHJ.": "9 llythyren a rhif, fel ABC-DEF-GHJ.",
        "<strong>Do not forward it.</strong> Do not send it to anyone, not even to show a friend or an adult.": "<strong>Peidiwch â’i anfon ymlaen.</strong> Peidiwch â’i anfon at neb, dim hyd yn oed i’w ddangos i ffrind neu oedolyn.",
        "<strong>Do not take a screenshot</strong> and do not save it. Keeping it or sending it on can hurt the person in it.": "<strong>Peidiwch â thynnu sgrinlun</strong> a pheidiwch â’i gadw. Gall ei gadw neu ei anfon ymlaen frifo’r person sydd ynddo.",
        "<strong>Report the link.</strong> If you saw it on a website, copy the link (the web address), not the photo. Then report the link.": "<strong>Rhowch wybod am y ddolen.</strong> Os gwelsoch chi fe ar wefan, copïwch y ddolen (cyfeiriad y we), nid y llun. Yna rhowch wybod am y ddolen.",
        "<strong>Tell an adult you trust.</strong> A parent, a carer or a teacher. Tell them what happened. Do not show them the photo.": "<strong>Dywedwch wrth oedolyn rydych chi’n ymddiried ynddo.</strong> Rhiant, gofalwr neu athro. Dywedwch wrthyn nhw beth ddigwyddodd. Peidiwch â dangos y llun iddyn nhw.",
        "A parent, carer or teacher you trust can help too.": "Gall rhiant, gofalwr neu athro rydych chi’n ymddiried ynddo helpu hefyd.",
        "A school or a service can help you more if they can see how it is going. If they gave you a code, type it here. You choose, and you can stop at any time.": "Gall ysgol neu wasanaeth eich helpu chi’n well os ydyn nhw’n gallu gweld sut mae’n mynd. Os rhoddon nhw god i chi, teipiwch e yma. Chi sy’n dewis, a gallwch chi stopio unrhyw bryd.",
        "An adult you trust can help you find who to tell where you live.": "Gall oedolyn rydych chi’n ymddiried ynddo eich helpu i ddod o hyd i bwy i ddweud wrthyn nhw lle rydych chi’n byw.",
        "Anyone with both could see this report, so keep them to yourself or a trusted adult.": "Gallai unrhyw un sydd â’r ddau weld yr adroddiad hwn, felly cadwch nhw i chi’ch hun neu i oedolyn rydych chi’n ymddiried ynddo.",
        "Are you sure you want to delete everything?": "Ydych chi’n siŵr eich bod chi eisiau dileu popeth?",
        "Are you sure you want to withdraw these?": "Ydych chi’n siŵr eich bod chi eisiau tynnu’r rhain yn ôl?",
        "Check": "Gwirio",
        "Check my report": "Gwirio fy adroddiad",
        "Copy them": "Eu copïo",
        "Country": "Gwlad",
        "Delete everything": "Dileu popeth",
        "Delete everything?": "Dileu popeth?",
        "Deleted": "Wedi’i ddileu",
        "Each service shows where its details came from and when we last checked them. Numbers can change, so check the service's own website too.": "Mae pob gwasanaeth yn dangos o ble daeth ei fanylion a phryd y gwnaethon ni eu gwirio ddiwethaf. Gall rhifau newid, felly gwiriwch wefan y gwasanaeth ei hun hefyd.",
        "Everything about this report has been deleted.": "Mae popeth am yr adroddiad hwn wedi’i ddileu.",
        "Everything is deleted": "Mae popeth wedi’i ddileu",
        "For adults anywhere": "I oedolion unrhyw le",
        "Go to the start": "Mynd i’r dechrau",
        "I have saved my reference and PIN": "Rydw i wedi cadw fy nghyfeirnod a’m PIN",
        'If the photo is of you, <a href="/">we can help you block it</a>.': 'Os mai llun ohonoch chi yw e, <a href="/">gallwn ni eich helpu i’w rwystro</a>.',
        'If you are in danger, call <a href="tel:%(number)s">%(number)s</a> now.': 'Os ydych chi mewn perygl, ffoniwch <a href="tel:%(number)s">%(number)s</a> nawr.',
        "If your phone cannot make the code (some phones save photos in a format the browser cannot open), we will tell you, and nothing is sent. A copy saved as a JPEG works, or an adult you trust can make the code on a computer.": "Os na all eich ffôn wneud y cod (mae rhai ffonau’n cadw lluniau mewn fformat na all y porwr ei agor), byddwn ni’n dweud wrthych chi, ac ni fydd dim yn cael ei anfon. Mae copi wedi’i gadw fel JPEG yn gweithio, neu gall oedolyn rydych chi’n ymddiried ynddo wneud y cod ar gyfrifiadur.",
        "Keep these two safe. You need both to check the report, or to change your mind. Give them to the child too, if it is safe to: it is their report.": "Cadwch y ddau yma’n ddiogel. Mae angen y ddau arnoch chi i wirio’r adroddiad, neu i newid eich meddwl. Rhowch nhw i’r plentyn hefyd, os yw’n ddiogel: eu hadroddiad nhw yw e.",
        "Keep these two safe. You need both to check your report, or to change your mind.": "Cadwch y ddau yma’n ddiogel. Mae angen y ddau arnoch chi i wirio eich adroddiad, neu i newid eich meddwl.",
        "Links you gave us": "Dolenni a roddoch chi i ni",
        "Lost your PIN? We cannot see it either, so we cannot send it. You can make a new report at any time.": "Wedi colli eich PIN? Allwn ni ddim ei weld chwaith, felly allwn ni ddim ei anfon. Gallwch chi wneud adroddiad newydd unrhyw bryd.",
        "No, go back": "Na, mynd yn ôl",
        "No, keep blocking": "Na, daliwch i rwystro",
        "Nobody at Reclaim sees your photo, and we cannot turn the code back into it.": "Does neb yn Reclaim yn gweld eich llun, a allwn ni ddim troi’r cod yn ôl yn llun.",
        "Only exact copies can be matched.": "Dim ond copïau union sy’n gallu cael eu paru.",
        "Please check this is the school or service you meant.": "Gwiriwch mai dyma’r ysgol neu’r gwasanaeth roeddech chi’n ei olygu.",
        "Print them": "Eu hargraffu",
        "Reference": "Cyfeirnod",
        "Share with your school or a service": "Rhannu gyda’ch ysgol neu wasanaeth",
        "Share your report with %(organisation)s?": "Rhannu eich adroddiad gyda %(organisation)s?",
        "Share your report?": "Rhannu eich adroddiad?",
        "Some of your photos were very plain, so websites can only block exact copies of them. That is still useful.": "Roedd rhai o’ch lluniau’n blaen iawn, felly dim ond copïau union ohonyn nhw y gall gwefannau eu rhwystro. Mae hynny’n dal yn ddefnyddiol.",
        "Someone sent me a nude photo": "Anfonodd rhywun lun noeth ata i",
        "Start again": "Dechrau eto",
        "Stop sharing with %(organisation)s": "Stopio rhannu gyda %(organisation)s",
        "Thank you. Your report is in.": "Diolch. Mae eich adroddiad wedi cyrraedd.",
        "The codes, so websites can find copies and block them.": "Y codau, er mwyn i wefannau ddod o hyd i gopïau a’u rhwystro.",
        "Their code": "Eu cod nhw",
        "They will not see": "Fyddan nhw ddim yn gweld",
        "They will see": "Byddan nhw’n gweld",
        "This removes what you told us and stops all blocking. You cannot undo it.": "Mae hyn yn dileu’r hyn a ddywedoch chi wrthon ni ac yn stopio pob rhwystro. Allwch chi ddim ei ddadwneud.",
        "This site tells your browser not to keep copies of its pages.": "Mae’r wefan hon yn dweud wrth eich porwr am beidio â chadw copïau o’i thudalennau.",
        "To keep a copy, you can print this page, or write them down.": "I gadw copi, gallwch chi argraffu’r dudalen hon, neu eu hysgrifennu.",
        "We are telling our team now.": "Rydyn ni’n dweud wrth ein tîm nawr.",
        "We cannot show your PIN again. Nobody from Reclaim will ever ask you for it.": "Allwn ni ddim dangos eich PIN eto. Fydd neb o Reclaim byth yn gofyn i chi amdano.",
        "We do not use trackers, ads or outside fonts.": "Dydyn ni ddim yn defnyddio tracwyr, hysbysebion na ffontiau o’r tu allan.",
        "We never get your photo or video. Your phone makes a short code from it. Only the code is sent to us. Nobody can turn the code back into your photo.": "Dydyn ni byth yn cael eich llun na’ch fideo. Mae eich ffôn yn gwneud cod byr ohono. Dim ond y cod sy’n cael ei anfon aton ni. Does neb yn gallu troi’r cod yn ôl yn eich llun.",
        "We never open the links you give us. We only ask the website to remove the photo.": "Dydyn ni byth yn agor y dolenni rydych chi’n eu rhoi i ni. Dim ond gofyn i’r wefan dynnu’r llun i lawr rydyn ni.",
        "We will delete what you told us and the links, and tell websites to stop blocking your photos and videos. You cannot undo this.": "Byddwn ni’n dileu’r hyn a ddywedoch chi wrthon ni a’r dolenni, ac yn dweud wrth wefannau am stopio rhwystro eich lluniau a’ch fideos. Allwch chi ddim dadwneud hyn.",
        "We will email you when there is news.": "Byddwn ni’n anfon e-bost atoch chi pan fydd newyddion.",
        "Websites that work with us check new uploads against your codes, and block copies. You can check what happened at any time.": "Mae gwefannau sy’n gweithio gyda ni yn gwirio lluniau newydd yn erbyn eich codau, ac yn rhwystro copïau. Gallwch chi wirio beth ddigwyddodd unrhyw bryd.",
        "Websites use the same kind of code to spot copies of your photo and block them, without anyone having to look at it.": "Mae gwefannau’n defnyddio’r un math o god i sylwi ar gopïau o’ch llun a’u rhwystro, heb i neb orfod edrych arno.",
        "Websites will stop blocking copies of them straight away. You can report them again later.": "Bydd gwefannau’n stopio rhwystro copïau ohonyn nhw ar unwaith. Gallwch chi roi gwybod amdanyn nhw eto yn nes ymlaen.",
        "What happens next": "Beth sy’n digwydd nesaf",
        "What we keep": "Beth rydyn ni’n ei gadw",
        "What we never do": "Beth dydyn ni byth yn ei wneud",
        "What you told us is gone, and websites have been told to stop blocking. You can make a new report at any time.": "Mae’r hyn a ddywedoch chi wrthon ni wedi mynd, ac mae gwefannau wedi cael gwybod i stopio rhwystro. Gallwch chi wneud adroddiad newydd unrhyw bryd.",
        "What you type, like links and usernames. We lock it so only our team can read it.": "Beth rydych chi’n ei deipio, fel dolenni ac enwau defnyddiwr. Rydyn ni’n ei gloi fel mai dim ond ein tîm sy’n gallu ei ddarllen.",
        "Who can help in %(place)s": "Pwy all helpu yn %(place)s",
        "Who to talk to": "Gyda phwy i siarad",
        "With your reference and PIN you can stop the blocking, or delete everything, at any time.": "Gyda’ch cyfeirnod a’ch PIN gallwch chi stopio’r rhwystro, neu ddileu popeth, unrhyw bryd.",
        "Withdraw the ones I chose": "Tynnu’n ôl y rhai a ddewisais i",
        "Withdraw?": "Tynnu’n ôl?",
        "Write them down somewhere private, or save them where only you can see.": "Ysgrifennwch nhw rywle preifat, neu cadwch nhw lle dim ond chi sy’n gallu eu gweld.",
        "Yes, delete everything": "Ydw, dileu popeth",
        "Yes, share it": "Ydw, ei rannu",
        "Yes, withdraw": "Ydw, tynnu’n ôl",
        "You are in charge": "Chi sydd wrth y llyw",
        "You are not in trouble. Thank you for wanting to do the right thing. Here is what to do.": "Dydych chi ddim mewn trwbl. Diolch am eisiau gwneud y peth iawn. Dyma beth i’w wneud.",
        'You can also talk to %(name)s on <a href="tel:%(tel)s">%(phone)s</a>.': 'Gallwch chi hefyd siarad â %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>.',
        'You can also talk to <a href="%(url)s" rel="noreferrer">%(name)s</a>.': 'Gallwch chi hefyd siarad â <a href="%(url)s" rel="noreferrer">%(name)s</a>.',
        "You can stop sharing at any time on your report page.": "Gallwch chi stopio rhannu unrhyw bryd ar dudalen eich adroddiad.",
        'You can talk to %(name)s on <a href="tel:%(tel)s">%(phone)s</a>, free, any time.': 'Gallwch chi siarad â %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>, am ddim, unrhyw bryd.',
        'You need your PIN to check your report, and we cannot show it again. Save it first, then tick "I have saved my reference and PIN". Or press Check my report again to go on.': 'Mae angen eich PIN arnoch chi i wirio eich adroddiad, a allwn ni ddim ei ddangos eto. Cadwch e yn gyntaf, yna ticiwch "Rydw i wedi cadw fy nghyfeirnod a’m PIN". Neu pwyswch Gwirio fy adroddiad eto i fynd ymlaen.',
        "You share how your report is going with:": "Rydych chi’n rhannu sut mae eich adroddiad yn mynd gyda:",
        "You told us someone is threatening the child.": "Dywedoch chi wrthon ni fod rhywun yn bygwth y plentyn.",
        "You told us someone is threatening you.": "Dywedoch chi wrthon ni fod rhywun yn eich bygwth chi.",
        "You told us the child is not safe right now.": "Dywedoch chi wrthon ni nad yw’r plentyn yn ddiogel ar hyn o bryd.",
        "You told us you are not sure if the child is safe.": "Dywedoch chi wrthon ni nad ydych chi’n siŵr a yw’r plentyn yn ddiogel.",
        "You told us you are not sure if you are safe.": "Dywedoch chi wrthon ni nad ydych chi’n siŵr a ydych chi’n ddiogel.",
        "You told us you do not feel safe right now.": "Dywedoch chi wrthon ni nad ydych chi’n teimlo’n ddiogel ar hyn o bryd.",
        "Your PIN is kept scrambled. Even we cannot read it.": "Mae eich PIN yn cael ei gadw wedi’i sgramblo. Allwn ni hyd yn oed ddim ei ddarllen.",
        "Your email, only if you give it. We use it only to tell you there is news about your report.": "Eich e-bost, dim ond os byddwch chi’n ei roi. Dim ond i ddweud wrthych chi fod newyddion am eich adroddiad rydyn ni’n ei ddefnyddio.",
        "Your phone or computer makes the code itself. The photo or video is never uploaded, not to us and not to anyone else, even if something goes wrong.": "Mae eich ffôn neu’ch cyfrifiadur yn gwneud y cod ei hun. Dydy’r llun na’r fideo byth yn cael ei lwytho i fyny, nid aton ni nac at unrhyw un arall, hyd yn oed os aiff rhywbeth o’i le.",
        "Your photo stays on your phone": "Mae eich llun yn aros ar eich ffôn",
        "Your photo stays on your phone. We only receive a short code made from it: 64 letters and numbers, far too little to rebuild your photo from.": "Mae eich llun yn aros ar eich ffôn. Dim ond cod byr wedi’i wneud ohono rydyn ni’n ei gael: 64 llythyren a rhif, yn llawer rhy ychydig i ail-greu eich llun ohono.",
        "Your photos and videos": "Eich lluniau a’ch fideos",
        "Your reference and PIN": "Eich cyfeirnod a’ch PIN",
        "Your report": "Eich adroddiad",
        "Your report %(reference)s": "Eich adroddiad %(reference)s",
        "Your report goes to the top of our team's list.": "Mae eich adroddiad yn mynd i frig rhestr ein tîm.",
    }
)


# Messages made in Python: refusals and errors, the status words, what sharing shows.
CY.update(
    {
        "%(name)s already looks after your report. No need to share it.": "Mae %(name)s eisoes yn gofalu am eich adroddiad. Does dim angen ei rannu.",
        "A link starts with http:// or https://.": "Mae dolen yn dechrau gyda http:// neu https://.",
        "Active: websites are blocking copies.": "Ar waith: mae gwefannau’n rhwystro copïau.",
        "Add a photo or video, or a link where you saw it.": "Ychwanegwch lun neu fideo, neu ddolen lle gwelsoch chi fe.",
        "Choose at least one photo or video to withdraw.": "Dewiswch o leiaf un llun neu fideo i’w dynnu’n ôl.",
        "Come back here with your reference and PIN to see what changed.": "Dewch yn ôl yma gyda’ch cyfeirnod a’ch PIN i weld beth sydd wedi newid.",
        "Done. %(name)s can no longer see your report.": "Wedi’i wneud. Dydy %(name)s ddim yn gallu gweld eich adroddiad mwyach.",
        "Done. %(name)s can now see how your report is going. You can stop sharing at any time on this page.": "Wedi’i wneud. Mae %(name)s nawr yn gallu gweld sut mae eich adroddiad yn mynd. Gallwch chi stopio rhannu unrhyw bryd ar y dudalen hon.",
        "Done. They can no longer see your report.": "Wedi’i wneud. Dydyn nhw ddim yn gallu gweld eich adroddiad mwyach.",
        "Done. Websites have been told to stop blocking what you withdrew. You can report it again at any time.": "Wedi’i wneud. Mae gwefannau wedi cael gwybod i stopio rhwystro’r hyn a dynnoch chi’n ôl. Gallwch chi roi gwybod amdano eto unrhyw bryd.",
        "Emergency": "Argyfwng",
        "Everything about this report has been deleted. You can make a new one at any time.": "Mae popeth am yr adroddiad hwn wedi’i ddileu. Gallwch chi wneud un newydd unrhyw bryd.",
        "For your safety, that page timed out. Type your reference and PIN again.": "Er eich diogelwch, daeth amser y dudalen honno i ben. Teipiwch eich cyfeirnod a’ch PIN eto.",
        "If you are in danger now.": "Os ydych chi mewn perygl nawr.",
        "If you are in danger, call %(number)s now.": "Os ydych chi mewn perygl, ffoniwch %(number)s nawr.",
        "No longer on the list.": "Ddim ar y rhestr mwyach.",
        "No website has told us it found a copy yet. That can be good news.": "Does dim gwefan wedi dweud wrthon ni ei bod wedi dod o hyd i gopi eto. Gall hynny fod yn newyddion da.",
        "Nothing is being blocked now. You can make a new report at any time.": "Does dim byd yn cael ei rwystro nawr. Gallwch chi wneud adroddiad newydd unrhyw bryd.",
        "Our team looks at each link you gave and asks the website to remove it.": "Mae ein tîm yn edrych ar bob dolen a roddoch chi ac yn gofyn i’r wefan ei thynnu i lawr.",
        "Paused by our team. We will explain if you get in touch.": "Wedi’i oedi gan ein tîm. Byddwn ni’n esbonio os byddwch chi’n cysylltu.",
        "Photo %(number)s": "Llun %(number)s",
        "Platforms cannot receive young people's reports.": "Dydy platfformau ddim yn gallu cael adroddiadau pobl ifanc.",
        "Please check what you wrote, then press Send my report again.": "Gwiriwch beth ysgrifennoch chi, yna pwyswch Anfon fy adroddiad eto.",
        "Reclaim's list is for images taken before someone was 18. For an image of you as an adult, StopNCII.org can block it in the same private way.": "Mae rhestr Reclaim ar gyfer delweddau a dynnwyd cyn i rywun fod yn 18 oed. Ar gyfer delwedd ohonoch chi fel oedolyn, gall StopNCII.org ei rhwystro yn yr un ffordd breifat.",
        "Some of what you typed is too long. Make it shorter.": "Mae rhywfaint o’r hyn a deipioch chi yn rhy hir. Gwnewch e’n fyrrach.",
        "That email address does not look right. Check it, or leave it empty.": "Dydy’r cyfeiriad e-bost yna ddim yn edrych yn iawn. Gwiriwch e, neu gadewch e’n wag.",
        "That is more video than one report can take (10 minutes in all). Please send these videos in two reports: make this one with fewer, then start another for the rest.": "Mae hynny’n fwy o fideo nag y gall un adroddiad ei gymryd (10 munud i gyd). Anfonwch y fideos hyn mewn dau adroddiad: gwnewch hwn gyda llai, yna dechreuwch un arall ar gyfer y gweddill.",
        "That reference and PIN did not match too many times, so checking is paused for %(wait)s to keep your report safe. Your report is still working. If you need to talk to someone now, the numbers under Get help now are free.": "Doedd y cyfeirnod a’r PIN yna ddim yn cyfateb ormod o weithiau, felly mae gwirio wedi’i oedi am %(wait)s i gadw eich adroddiad yn ddiogel. Mae eich adroddiad yn dal i weithio. Os oes angen i chi siarad â rhywun nawr, mae’r rhifau o dan Cael help nawr am ddim.",
        "That reference and PIN do not match. Check them and try again. The reference has 9 letters and numbers, and the PIN has 6 numbers.": "Dydy’r cyfeirnod a’r PIN yna ddim yn cyfateb. Gwiriwch nhw a rhowch gynnig arall arni. Mae gan y cyfeirnod 9 llythyren a rhif, ac mae gan y PIN 6 rhif.",
        "That was a lot of codes in a short time. Please wait %(wait)s, then try again. Your report is still working.": "Roedd hynny’n llawer o godau mewn amser byr. Arhoswch %(wait)s, yna rhowch gynnig arall arni. Mae eich adroddiad yn dal i weithio.",
        "That was a lot of tries in a short time. Please wait a minute, then try again.": "Roedd hynny’n llawer o gynigion mewn amser byr. Arhoswch funud, yna rhowch gynnig arall arni.",
        "The website took it down.": "Tynnodd y wefan e i lawr.",
        "There were many tries from this connection today, so checking from here is paused for %(wait)s to keep everyone's reports safe. Your report is still working. If you need to talk to someone now, the numbers under Get help now are free.": "Roedd llawer o gynigion o’r cysylltiad hwn heddiw, felly mae gwirio o’r fan hon wedi’i oedi am %(wait)s i gadw adroddiadau pawb yn ddiogel. Mae eich adroddiad yn dal i weithio. Os oes angen i chi siarad â rhywun nawr, mae’r rhifau o dan Cael help nawr am ddim.",
        "This does not look like a web address. Check it and try again.": "Dydy hwn ddim yn edrych fel cyfeiriad gwe. Gwiriwch e a rhowch gynnig arall arni.",
        "This link is empty.": "Mae’r ddolen hon yn wag.",
        "This link is very long. Copy just the address of the page.": "Mae’r ddolen hon yn hir iawn. Copïwch gyfeiriad y dudalen yn unig.",
        "This report could not be accepted.": "Doedd dim modd derbyn yr adroddiad hwn.",
        "This report has been deleted, so there is nothing to share.": "Mae’r adroddiad hwn wedi’i ddileu, felly does dim byd i’w rannu.",
        "This service cannot send emails, so it cannot tell you about changes. Leave the email empty, and check your report any time with your reference and PIN.": "Dydy’r gwasanaeth hwn ddim yn gallu anfon e-byst, felly dydy e ddim yn gallu dweud wrthych chi am newidiadau. Gadewch yr e-bost yn wag, a gwiriwch eich adroddiad unrhyw bryd gyda’ch cyfeirnod a’ch PIN.",
        "This web address has a port we cannot read.": "Mae gan y cyfeiriad gwe hwn borth na allwn ni ei ddarllen.",
        "Video %(number)s": "Fideo %(number)s",
        "We asked the website to take it down.": "Gofynnon ni i’r wefan ei dynnu i lawr.",
        "We could not find that code. Check it with the person who gave it to you, then try again.": "Allen ni ddim dod o hyd i’r cod yna. Gwiriwch e gyda’r person a’i rhoddodd i chi, yna rhowch gynnig arall arni.",
        "We could not find that code. Check it with the person who gave it to you.": "Allen ni ddim dod o hyd i’r cod yna. Gwiriwch e gyda’r person a’i rhoddodd i chi.",
        "We have it on our list.": "Mae e ar ein rhestr.",
        "Websites that work with us check new uploads against your codes, and block copies.": "Mae gwefannau sy’n gweithio gyda ni yn gwirio lluniau newydd yn erbyn eich codau, ac yn rhwystro copïau.",
        "Withdrawn: websites have been told to stop.": "Wedi’i dynnu’n ôl: mae gwefannau wedi cael gwybod i stopio.",
        "You already share your report with %(name)s.": "Rydych chi eisoes yn rhannu eich adroddiad gyda %(name)s.",
        "You can talk to %(name)s on %(phone)s.": "Gallwch chi siarad â %(name)s ar %(phone)s.",
        "You did the right thing by telling us. None of this is your fault.": "Fe wnaethoch chi’r peth iawn drwy ddweud wrthon ni. Dydy dim o hyn yn fai arnoch chi.",
        "the links you gave us, and whether they have been taken down": "y dolenni a roddoch chi i ni, ac a ydyn nhw wedi cael eu tynnu i lawr",
        "what websites and apps said about them": "beth ddywedodd gwefannau ac apiau amdanyn nhw",
        "what you told us about feeling safe": "beth ddywedoch chi wrthon ni am deimlo’n ddiogel",
        "what you typed about apps, usernames or who has it": "beth deipioch chi am apiau, enwau defnyddiwr neu bwy sydd ag e",
        "whether each photo or video is blocked": "a yw pob llun neu fideo wedi’i rwystro",
        "your email": "eich e-bost",
        "your reference and PIN": "eich cyfeirnod a’ch PIN",
    }
)

# The report form.
CY.update(
    {
        "1. Choose the photos or videos": "1. Dewiswch y lluniau neu’r fideos",
        "2. Anything else (you can skip this)": "2. Unrhyw beth arall (gallwch chi hepgor hwn)",
        '<a href="/get-help">More ways to get help now</a>.': '<a href="/get-help">Rhagor o ffyrdd o gael help nawr</a>.',
        "Anything else (you can skip this)": "Unrhyw beth arall (gallwch chi hepgor hwn)",
        "Apps and usernames where it was shared": "Apiau ac enwau defnyddiwr lle cafodd ei rannu",
        "Choose photos or videos": "Dewiswch luniau neu fideos",
        "Chosen photos and videos (seen only on this phone)": "Lluniau a fideos a ddewiswyd (i’w gweld ar y ffôn hwn yn unig)",
        "Do you feel safe right now?": "Ydych chi’n teimlo’n ddiogel ar hyn o bryd?",
        "Help is here now.": "Mae help yma nawr.",
        "How we keep you private": "Sut rydyn ni’n cadw eich preifatrwydd",
        "I am not sure": "Dydw i ddim yn siŵr",
        'If the child is in danger, call <a href="tel:%(number)s">%(number)s</a>.': 'Os yw’r plentyn mewn perygl, ffoniwch <a href="tel:%(number)s">%(number)s</a>.',
        'If you are in danger, call <a href="tel:%(number)s">%(number)s</a>.': 'Os ydych chi mewn perygl, ffoniwch <a href="tel:%(number)s">%(number)s</a>.',
        "Is someone threatening the child?": "Ydy rhywun yn bygwth y plentyn?",
        "Is someone threatening you?": "Ydy rhywun yn eich bygwth chi?",
        "Is the child safe right now?": "Ydy’r plentyn yn ddiogel ar hyn o bryd?",
        "Leave this empty": "Gadewch hwn yn wag",
        "Links where you saw it (one on each line)": "Dolenni lle gwelsoch chi fe (un ar bob llinell)",
        "Make a report": "Gwneud adroddiad",
        "Make a report for a child": "Gwneud adroddiad ar ran plentyn",
        "Making codes": "Yn gwneud codau",
        "Never copy, send or save the image to another device to do this, not even your own, and never send it to anyone, even the police. Holding or sending it is a crime.": "Peidiwch byth â chopïo, anfon na chadw’r ddelwedd ar ddyfais arall i wneud hyn, dim hyd yn oed eich un chi, a pheidiwch byth â’i hanfon at neb, hyd yn oed yr heddlu. Mae ei chadw neu ei hanfon yn drosedd.",
        "No": "Na",
        "Only the codes and what you type are sent.": "Dim ond y codau a’r hyn rydych chi’n ei deipio sy’n cael eu hanfon.",
        "Our email only says there is news. It never says anything about the photo. We keep your email locked (encrypted).": "Dim ond dweud bod newyddion mae ein e-bost. Dydy e byth yn dweud dim am y llun. Rydyn ni’n cadw eich e-bost wedi’i gloi (wedi’i amgryptio).",
        "Send my report": "Anfon fy adroddiad",
        "Send the report": "Anfon yr adroddiad",
        'Talk to %(name)s on <a href="tel:%(tel)s">%(phone)s</a>, free, any time.': 'Siaradwch â %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>, am ddim, unrhyw bryd.',
        'Talk to %(name)s on <a href="tel:%(tel)s">%(phone)s</a>.': 'Siaradwch â %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>.',
        "Tell us where you saw it. For the photo itself, StopNCII.org can block it from your device.": "Dywedwch wrthon ni lle gwelsoch chi fe. Ar gyfer y llun ei hun, gall StopNCII.org ei rwystro o’ch dyfais.",
        'The child can talk to %(name)s on <a href="tel:%(tel)s">%(phone)s</a>, free, any time.': 'Gall y plentyn siarad â %(name)s ar <a href="tel:%(tel)s">%(phone)s</a>, am ddim, unrhyw bryd.',
        "The report will go to the top of our team's list.": "Bydd yr adroddiad yn mynd i frig rhestr ein tîm.",
        "This device makes a code from each one. Only the code is sent. The image stays on this device, and nobody sees it.": "Mae’r ddyfais hon yn gwneud cod o bob un. Dim ond y cod sy’n cael ei anfon. Mae’r ddelwedd yn aros ar y ddyfais hon, a does neb yn ei gweld.",
        "This step needs JavaScript, because the code is made on your phone, not by us. Turn JavaScript on to add photos. You can still send us links below without it.": "Mae angen JavaScript ar gyfer y cam hwn, oherwydd mae’r cod yn cael ei wneud ar eich ffôn, nid gennym ni. Trowch JavaScript ymlaen i ychwanegu lluniau. Gallwch chi dal anfon dolenni aton ni isod hebddo.",
        "We never open these links. We only write them down and ask the website to remove the photo.": "Dydyn ni byth yn agor y dolenni hyn. Dim ond eu hysgrifennu a gofyn i’r wefan dynnu’r llun i lawr rydyn ni.",
        "Who do you think has it?": "Pwy rydych chi’n meddwl sydd ag e?",
        "Yes": "Ydw",
        "You are making this report for a child. Use the device that already holds the image, usually the child's own phone. The codes are made on that device, and the image stays on it.": "Rydych chi’n gwneud yr adroddiad hwn ar ran plentyn. Defnyddiwch y ddyfais sydd eisoes â’r ddelwedd arni, fel arfer ffôn y plentyn ei hun. Mae’r codau’n cael eu gwneud ar y ddyfais honno, ac mae’r ddelwedd yn aros arni.",
        "You matter, and help is here now.": "Rydych chi’n bwysig, ac mae help yma nawr.",
        "Your email, if you want us to tell you when something changes (you can skip this)": "Eich e-bost, os ydych chi eisiau i ni ddweud wrthych chi pan fydd rhywbeth yn newid (gallwch chi hepgor hwn)",
        "Your phone makes a code from each one. Only the code is sent. The photo stays on your phone, and nobody sees it.": "Mae eich ffôn yn gwneud cod o bob un. Dim ond y cod sy’n cael ei anfon. Mae’r llun yn aros ar eich ffôn, a does neb yn ei weld.",
        "Your report will go to the top of our team's list.": "Bydd eich adroddiad yn mynd i frig rhestr ein tîm.",
    }
)

#: Plurals: Welsh counts with the singular noun ("3 munud"), so one form serves all six.
CY_PLURAL = {
    "%(num)d hour": "%(num)d awr",
    "%(num)d minute": "%(num)d munud",
    "Found and blocked on %(num)d service.": "Wedi’i ganfod a’i rwystro ar %(num)d gwasanaeth.",
    "Many reports came from this connection in the last hour, so this one has to wait. Please try again in %(num)d minute.": "Daeth llawer o adroddiadau o’r cysylltiad hwn yn yr awr ddiwethaf, felly mae’n rhaid i hwn aros. Rhowch gynnig arall arni mewn %(num)d munud.",
}


HEADER = """Welsh (Cymraeg) for Reclaim's public pages.
NEEDS REVIEW BY A NATIVE SPEAKER BEFORE LAUNCH: a first draft by the team, not checked by a
Welsh speaker. See docs/young-people.md ("Languages")."""


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


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
        elif message.id:  # a plural: (singular, plural) -> one string per Welsh form
            welsh = CY_PLURAL.get(message.id[0], "")
            message.string = tuple(welsh for _ in range(template.num_plurals))
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as out:
        write_po(out, template, width=100, omit_header=False)
    missing = [m.id for m in template if m.id and not all(_forms(m.string))]
    for message_id in missing:
        print("untranslated:", message_id, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
