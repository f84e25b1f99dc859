# Halaman awam unionfed: Bahasa Melayu.

language-name = Bahasa Melayu
site-title = Bantuan kesatuan untuk pekerja asing
skip-to-content = Terus ke kandungan
choose-language = Bahasa
change-language = Tukar

home-heading = Bagaimana kesatuan boleh membantu anda?
home-card = Semak kad keahlian
home-complaint = Beritahu kami masalah di tempat kerja
home-follow = Ikuti kes saya
home-privacy = Kami tidak merekod siapa anda atau dari mana anda menulis. Anda boleh kekal tanpa nama.

card-heading = Semak kad keahlian
card-label = Kod kad (bermula dengan UF1:)
card-hint = Imbas kod QR pada kad, atau salin teks di bawahnya ke dalam kotak ini.
card-submit = Semak kad
card-valid = Kad ini sah.
card-invalid = Kad ini tidak sah.
card-issuer = Dikeluarkan oleh
card-holder = Nama pada kad
card-status = Keahlian
card-representing = Diwakili di sini oleh
card-nobody = belum ada
card-problems = Sebabnya
card-again = Semak kad lain
status-active = aktif
status-suspended = digantung
status-lapsed = luput
status-revoked = dibatalkan
status-unknown = tidak diketahui

complaint-heading = Beritahu kami masalah di tempat kerja
complaint-intro = Hanya kesatuan yang membaca ini. Anda tidak perlu memberi nama.
complaint-kind = Adakah anda ada soalan atau aduan?
kind-inquiry = Soalan
kind-complaint = Aduan
complaint-categories = Tentang apa? Pilih semua yang berkenaan.
complaint-risk = Adakah anda dalam bahaya sekarang?
complaint-description = Apa yang berlaku? Tulis dengan perkataan dan bahasa anda sendiri.
complaint-employer = Majikan atau ejen (jika mahu)
complaint-country = Negara tempat anda bekerja
complaint-name = Nama anda (biarkan kosong untuk kekal tanpa nama)
complaint-contact = Nombor telefon atau kenalan mesej (biarkan kosong jika kami tidak boleh menghubungi anda)
complaint-passphrase = Perkataan rahsia (pilihan): kami akan memintanya bersama kod anda
complaint-submit = Hantar kepada kesatuan
complaint-sent = Mesej anda telah sampai kepada kesatuan.
complaint-code = Kod resit anda
complaint-keep = Tulis kod ini atau ambil gambarnya. Dengannya anda boleh mengikuti kes anda dan membaca jawapan kami. Kami tidak dapat memberikannya semula.
complaint-reference = Rujukan kes
complaint-follow-now = Ikuti kes saya

follow-heading = Ikuti kes saya
follow-code = Kod resit (16 digit)
follow-passphrase = Perkataan rahsia, jika anda memilihnya
follow-submit = Tunjukkan kes saya
follow-status = Status
follow-handled-by = Dikendalikan di seberang sempadan oleh
follow-messages = Mesej
follow-from-union = Kesatuan
follow-from-you = Anda
follow-none = Belum ada mesej.
follow-reply = Tulis kepada pegawai kes anda
follow-send = Hantar
follow-sent = Mesej anda telah dihantar.

case-status-new = diterima, menunggu semakan
case-status-verified = telah disemak, kesatuan akan bertindak
case-status-rejected = ditutup tanpa tindakan
case-status-in_progress = kesatuan sedang mengambil tindakan
case-status-referred = diserahkan kepada perkhidmatan atau kesatuan yang boleh membantu
case-status-resolved = selesai
case-status-closed = ditutup

cat-unpaid_wages = Gaji tidak dibayar
cat-underpaid_wages = Dibayar kurang daripada yang dijanjikan
cat-excessive_recruitment_fees = Yuran pengambilan tinggi atau hutang
cat-contract_substitution = Kontrak ditukar
cat-document_retention = Pasport atau dokumen diambil
cat-excessive_hours = Waktu kerja terlalu panjang
cat-no_rest_day = Tiada hari cuti
cat-unsafe_work_and_injury = Kerja tidak selamat atau cedera
cat-physical_or_sexual_abuse = Dipukul, dicederakan atau didera secara seksual
cat-harassment = Dimarahi atau diganggu
cat-threats_of_denunciation = Diugut dengan polis atau pengusiran
cat-restricted_movement = Tidak dibenarkan keluar
cat-isolation = Dipisahkan daripada keluarga atau orang lain
cat-abuse_of_vulnerability = Diambil kesempatan
cat-debt_bondage = Terpaksa bekerja untuk membayar hutang
cat-trafficking_indicators = Ditipu atau dijual ke dalam kerja ini
cat-social_security_and_compensation = Insurans atau pampasan
cat-unfair_dismissal = Dibuang kerja secara tidak adil
cat-other = Perkara lain

risk-trafficking = Saya ditipu atau dijual, atau tidak boleh pergi
risk-violence = Ada orang mencederakan saya
risk-detention = Saya dikurung atau ditahan
risk-child_labour = Ada kanak-kanak yang bekerja
risk-health_emergency = Saya perlukan doktor sekarang

error-heading = Ada yang tidak kena
error-try-again = Kembali dan cuba lagi
error-not-found = Kami tidak menjumpai kes dengan kod dan perkataan rahsia ini. Semak 16 digit itu.
error-too-many = Terlalu banyak cubaan dari sini. Tunggu seminit dan cuba lagi.
error-description = Sila tulis apa yang berlaku.
error-category = Sila pilih sekurang-kurangnya satu topik.

card-problem-unreadable = Kod tidak dapat dibaca. Imbas semula atau salin kesemuanya.
card-problem-forged = Tandatangan kad tidak sepadan dengan mana-mana kesatuan dalam persekutuan. Ia mungkin palsu.
card-problem-expired = Kad telah luput.
card-problem-unknown-member = Kesatuan yang mengeluarkannya belum ada rekod keahlian ini di sini.
card-problem-changed = Nama pada kad tidak sepadan dengan rekod kesatuan.
card-problem-status = Keahlian tidak aktif.
error-country = Tulis negara dengan dua huruf, contohnya MY untuk Malaysia.
