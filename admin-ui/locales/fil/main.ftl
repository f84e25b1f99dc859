# Mga pampublikong pahina ng unionfed: Filipino.

language-name = Filipino
site-title = Tulong ng unyon para sa mga migranteng manggagawa
skip-to-content = Lumaktaw sa nilalaman
choose-language = Wika
change-language = Palitan

home-heading = Paano ka matutulungan ng unyon?
home-card = Suriin ang membership card
home-complaint = Sabihin sa amin ang problema sa trabaho
home-follow = Subaybayan ang aking kaso
home-privacy = Hindi namin itinatala kung sino ka o saan ka sumusulat. Maaari kang hindi magpakilala.

card-heading = Suriin ang membership card
card-label = Code ng card (nagsisimula sa UF1:)
card-hint = I-scan ang QR code sa card, o kopyahin ang teksto sa ilalim nito sa kahong ito.
card-submit = Suriin ang card
card-valid = May bisa ang card na ito.
card-invalid = Walang bisa ang card na ito.
card-issuer = Inisyu ng
card-holder = Pangalan sa card
card-status = Pagiging kasapi
card-representing = Kinakatawan dito ng
card-nobody = wala pa
card-problems = Dahilan
card-again = Suriin ang ibang card
status-active = aktibo
status-suspended = suspendido
status-lapsed = nag-expire
status-revoked = binawi
status-unknown = hindi alam

complaint-heading = Sabihin sa amin ang problema sa trabaho
complaint-intro = Ang unyon lamang ang babasa nito. Hindi mo kailangang ibigay ang iyong pangalan.
complaint-kind = May tanong ka ba, o reklamo?
kind-inquiry = Tanong
kind-complaint = Reklamo
complaint-categories = Tungkol saan ito? Piliin lahat ng angkop.
complaint-risk = Nasa panganib ka ba ngayon?
complaint-description = Ano ang nangyari? Isulat sa sarili mong salita at wika.
complaint-employer = Employer o ahensya (kung gusto mo)
complaint-country = Bansa kung saan ka nagtatrabaho
complaint-name = Ang iyong pangalan (iwanang blangko para hindi magpakilala)
complaint-contact = Telepono o messaging contact (iwanang blangko kung hindi ka namin dapat kontakin)
complaint-passphrase = Lihim na salita (opsyonal): hihingin namin ito kasama ng iyong code
complaint-submit = Ipadala sa unyon
complaint-sent = Natanggap ng unyon ang iyong mensahe.
complaint-code = Ang iyong resibong code
complaint-keep = Isulat ang code na ito o kunan ng litrato. Dito mo masusubaybayan ang iyong kaso at mababasa ang aming sagot. Hindi na namin ito maibibigay muli.
complaint-reference = Numero ng kaso
complaint-follow-now = Subaybayan ang aking kaso

follow-heading = Subaybayan ang aking kaso
follow-code = Resibong code (16 na numero)
follow-passphrase = Lihim na salita, kung pumili ka
follow-submit = Ipakita ang aking kaso
follow-status = Katayuan
follow-handled-by = Hinahawakan sa kabilang bansa ng
follow-messages = Mga mensahe
follow-from-union = Unyon
follow-from-you = Ikaw
follow-none = Wala pang mensahe.
follow-reply = Sumulat sa iyong case officer
follow-send = Ipadala
follow-sent = Naipadala ang iyong mensahe.

case-status-new = natanggap, hinihintay suriin
case-status-verified = nasuri na, kikilos ang unyon
case-status-rejected = isinara nang walang aksyon
case-status-in_progress = kumikilos na ang unyon
case-status-referred = ipinasa sa serbisyo o unyong makatutulong
case-status-resolved = nalutas
case-status-closed = sarado

cat-unpaid_wages = Hindi binayaran ang sahod
cat-underpaid_wages = Mas mababa ang bayad kaysa ipinangako
cat-excessive_recruitment_fees = Mataas na placement fee o utang
cat-contract_substitution = Pinalitan ang kontrata
cat-document_retention = Kinuha ang pasaporte o dokumento
cat-excessive_hours = Sobrang haba ng oras ng trabaho
cat-no_rest_day = Walang day off
cat-unsafe_work_and_injury = Mapanganib na trabaho o pinsala
cat-physical_or_sexual_abuse = Sinaktan o inabuso nang sekswal
cat-harassment = Sinisigawan o ginugulo
cat-threats_of_denunciation = Tinakot ng pulis o deportasyon
cat-restricted_movement = Hindi pinapayagang lumabas
cat-isolation = Inilayo sa pamilya o ibang tao
cat-abuse_of_vulnerability = Sinamantala
cat-debt_bondage = Kailangang magtrabaho para magbayad ng utang
cat-trafficking_indicators = Nilinlang o ibinenta sa trabahong ito
cat-social_security_and_compensation = Insurance o kompensasyon
cat-unfair_dismissal = Hindi makatarungang tinanggal
cat-other = Iba pa

risk-trafficking = Nilinlang o ibinenta ako, o hindi ako makaalis
risk-violence = May nananakit sa akin
risk-detention = Nakakulong o nakadetine ako
risk-child_labour = May batang nagtatrabaho
risk-health_emergency = Kailangan ko ng doktor ngayon

error-heading = May hindi tama
error-try-again = Bumalik at subukang muli
error-not-found = Wala kaming nahanap na kaso sa code at lihim na salitang ito. Suriin ang 16 na numero.
error-too-many = Masyadong maraming subok mula rito. Maghintay ng isang minuto at subukang muli.
error-description = Pakisulat kung ano ang nangyari.
error-category = Pumili ng kahit isang paksa.

card-problem-unreadable = Hindi mabasa ang code. I-scan muli o kopyahin nang buo.
card-problem-forged = Hindi tugma ang pirma ng card sa alinmang unyon ng pederasyon. Maaaring peke ito.
card-problem-expired = Nag-expire na ang card.
card-problem-unknown-member = Wala pang rekord dito ang unyong nag-isyu tungkol sa pagiging kasaping ito.
card-problem-changed = Hindi tugma ang pangalan sa card sa rekord ng unyon.
card-problem-status = Hindi aktibo ang pagiging kasapi.
error-country = Isulat ang bansa sa dalawang titik, halimbawa MY para sa Malaysia.
