# Pájina públiku unionfed nian: Tetun.

language-name = Tetun
site-title = Ajuda sindikatu nian ba traballadór migrante
skip-to-content = Ba kedas konteúdu
choose-language = Lian
change-language = Troka

home-heading = Oinsá mak sindikatu bele ajuda Ita?
home-card = Haree kartaun membru
home-complaint = Konta mai ami problema iha fatin servisu
home-follow = Tuir ha'u-nia kazu
home-privacy = Ami la rejista Ita mak se ka Ita hakerek husi ne'ebé. Ita bele la fó Ita-nia naran.

card-heading = Haree kartaun membru
card-label = Kódigu kartaun (hahú ho UF1:)
card-hint = Eskaneia kódigu QR iha kartaun, ka kopia testu iha okos ba kaixa ne'e.
card-submit = Haree kartaun
card-valid = Kartaun ne'e válidu.
card-invalid = Kartaun ne'e la válidu.
card-issuer = Fó sai husi
card-holder = Naran iha kartaun
card-status = Membru
card-representing = Reprezenta iha ne'e husi
card-nobody = seidauk iha
card-problems = Tanba saida
card-again = Haree kartaun seluk
status-active = ativu
status-suspended = suspende
status-lapsed = liu ona prazu
status-revoked = kansela
status-unknown = la hatene

complaint-heading = Konta mai ami problema iha fatin servisu
complaint-intro = Sindikatu de'it mak lee ida ne'e. Ita la presiza fó Ita-nia naran.
complaint-kind = Ita iha pergunta ka keixa?
kind-inquiry = Pergunta
kind-complaint = Keixa
complaint-categories = Kona-ba saida? Hili hotu ne'ebé loos.
complaint-risk = Ita iha perigu agora?
complaint-description = Saida mak akontese? Hakerek ho Ita-nia liafuan no Ita-nia lian rasik.
complaint-employer = Patraun ka ajénsia (se Ita hakarak)
complaint-country = Nasaun ne'ebé Ita servisu
complaint-name = Ita-nia naran (husik mamuk atu la fó naran)
complaint-contact = Telefone ka kontaktu mensajen (husik mamuk se ami labele kontaktu Ita)
complaint-passphrase = Liafuan segredu (opsionál): ami sei husu ida ne'e ho Ita-nia kódigu
complaint-submit = Haruka ba sindikatu
complaint-sent = Ita-nia mensajen to'o ona sindikatu.
complaint-code = Ita-nia kódigu resibu
complaint-keep = Hakerek kódigu ne'e ka foti nia foto. Ho kódigu ne'e Ita bele tuir Ita-nia kazu no lee ami-nia resposta. Ami labele fó fali.
complaint-reference = Númeru kazu
complaint-follow-now = Tuir ha'u-nia kazu

follow-heading = Tuir ha'u-nia kazu
follow-code = Kódigu resibu (númeru 16)
follow-passphrase = Liafuan segredu, se Ita hili ona
follow-submit = Hatudu ha'u-nia kazu
follow-status = Situasaun
follow-handled-by = Trata iha fronteira sorin seluk husi
follow-messages = Mensajen
follow-from-union = Sindikatu
follow-from-you = Ita
follow-none = Seidauk iha mensajen.
follow-reply = Hakerek ba Ita-nia ofisiál kazu
follow-send = Haruka
follow-sent = Ita-nia mensajen haruka ona.

case-status-new = simu ona, hein atu haree
case-status-verified = haree ona, sindikatu sei hala'o asaun
case-status-rejected = taka la ho asaun
case-status-in_progress = sindikatu hala'o hela asaun
case-status-referred = haruka ona ba servisu ka sindikatu ne'ebé bele ajuda
case-status-resolved = rezolve ona
case-status-closed = taka ona

cat-unpaid_wages = Saláriu la selu
cat-underpaid_wages = Selu menus duké promete
cat-excessive_recruitment_fees = Taxa rekrutamentu aas ka tusan
cat-contract_substitution = Kontratu troka ona
cat-document_retention = Pasaporte ka dokumentu foti ona
cat-excessive_hours = Oras servisu naruk liu
cat-no_rest_day = La iha loron deskansa
cat-unsafe_work_and_injury = Servisu la seguru ka kanek
cat-physical_or_sexual_abuse = Baku, halo kanek ka abuzu seksuál
cat-harassment = Hakilar ka asédiu
cat-threats_of_denunciation = Ameasa ho polísia ka deportasaun
cat-restricted_movement = La fó sai ba li'ur
cat-isolation = Haketak husi família ka ema seluk
cat-abuse_of_vulnerability = Aproveita Ita
cat-debt_bondage = Tenke servisu atu selu tusan
cat-trafficking_indicators = Bosok ka fa'an ba servisu ne'e
cat-social_security_and_compensation = Seguru ka kompensasaun
cat-unfair_dismissal = Hasai husi servisu la ho justisa
cat-other = Buat seluk

risk-trafficking = Ema bosok ka fa'an ha'u, ka ha'u labele sai
risk-violence = Iha ema halo aat ha'u
risk-detention = Ha'u taka iha laran ka detidu
risk-child_labour = Iha labarik ida servisu
risk-health_emergency = Ha'u presiza doutór agora

error-heading = Buat ruma la loos
error-try-again = Fila fali no koko fali
error-not-found = Ami la hetan kazu ho kódigu no liafuan segredu ne'e. Haree fali númeru 16.
error-too-many = Koko barak liu husi ne'e. Hein minutu ida no koko fali.
error-description = Favor hakerek saida mak akontese.
error-category = Favor hili tópiku ida pelumenus.

card-problem-unreadable = Kódigu labele lee. Eskaneia fali ka kopia hotu.
card-problem-forged = Asinatura kartaun la hanesan ho sindikatu ida iha federasaun. Bele falsu.
card-problem-expired = Kartaun liu ona prazu.
card-problem-unknown-member = Sindikatu ne'ebé fó sai seidauk iha rejistu membru ne'e iha ne'e.
card-problem-changed = Naran iha kartaun la hanesan ho rejistu sindikatu nian.
card-problem-status = Membru la ativu.
error-country = Hakerek nasaun ho letra rua, ezemplu MY ba Malázia.
