# Halaman publik unionfed: Bahasa Indonesia.

language-name = Bahasa Indonesia
site-title = Bantuan serikat untuk pekerja migran
skip-to-content = Langsung ke isi
choose-language = Bahasa
change-language = Ganti

home-heading = Apa yang bisa serikat bantu?
home-card = Periksa kartu anggota
home-complaint = Ceritakan masalah di tempat kerja
home-follow = Ikuti kasus saya
home-privacy = Kami tidak mencatat siapa Anda atau dari mana Anda menulis. Anda boleh tanpa nama.

card-heading = Periksa kartu anggota
card-label = Kode kartu (diawali UF1:)
card-hint = Pindai kode QR pada kartu, atau salin teks di bawahnya ke kotak ini.
card-submit = Periksa kartu
card-valid = Kartu ini sah.
card-invalid = Kartu ini tidak sah.
card-issuer = Dikeluarkan oleh
card-holder = Nama pada kartu
card-status = Keanggotaan
card-representing = Diwakili di sini oleh
card-nobody = belum ada
card-problems = Sebabnya
card-again = Periksa kartu lain
status-active = aktif
status-suspended = ditangguhkan
status-lapsed = kedaluwarsa
status-revoked = dicabut
status-unknown = tidak diketahui

complaint-heading = Ceritakan masalah di tempat kerja
complaint-intro = Hanya serikat yang membaca ini. Anda tidak wajib memberi nama.
complaint-kind = Anda punya pertanyaan atau pengaduan?
kind-inquiry = Pertanyaan
kind-complaint = Pengaduan
complaint-categories = Tentang apa? Pilih semua yang sesuai.
complaint-risk = Apakah Anda dalam bahaya sekarang?
complaint-description = Apa yang terjadi? Tulis dengan kata-kata dan bahasa Anda sendiri.
complaint-employer = Majikan atau agen (jika mau)
complaint-country = Negara tempat Anda bekerja
complaint-name = Nama Anda (kosongkan agar tetap tanpa nama)
complaint-contact = Nomor telepon atau kontak pesan (kosongkan jika kami tidak boleh menghubungi)
complaint-passphrase = Kata rahasia (boleh kosong): kami akan memintanya bersama kode Anda
complaint-submit = Kirim ke serikat
complaint-sent = Pesan Anda sudah sampai ke serikat.
complaint-code = Kode tanda terima Anda
complaint-keep = Catat kode ini atau fotolah. Dengan kode ini Anda bisa mengikuti kasus dan membaca jawaban kami. Kami tidak bisa memberikannya lagi.
complaint-reference = Nomor kasus
complaint-follow-now = Ikuti kasus saya

follow-heading = Ikuti kasus saya
follow-code = Kode tanda terima (16 angka)
follow-passphrase = Kata rahasia, jika Anda memilihnya
follow-submit = Tampilkan kasus saya
follow-status = Status
follow-handled-by = Ditangani di seberang perbatasan oleh
follow-messages = Pesan
follow-from-union = Serikat
follow-from-you = Anda
follow-none = Belum ada pesan.
follow-reply = Tulis kepada petugas kasus Anda
follow-send = Kirim
follow-sent = Pesan Anda sudah terkirim.

case-status-new = diterima, menunggu diperiksa
case-status-verified = sudah diperiksa, serikat akan bertindak
case-status-rejected = ditutup tanpa tindakan
case-status-in_progress = serikat sedang menanganinya
case-status-referred = diteruskan ke layanan atau serikat yang bisa membantu
case-status-resolved = selesai
case-status-closed = ditutup

cat-unpaid_wages = Gaji tidak dibayar
cat-underpaid_wages = Dibayar kurang dari yang dijanjikan
cat-excessive_recruitment_fees = Biaya penempatan tinggi atau utang
cat-contract_substitution = Kontrak diganti
cat-document_retention = Paspor atau dokumen ditahan
cat-excessive_hours = Jam kerja terlalu panjang
cat-no_rest_day = Tidak ada hari libur
cat-unsafe_work_and_injury = Pekerjaan berbahaya atau cedera
cat-physical_or_sexual_abuse = Dipukul, disakiti atau dilecehkan secara seksual
cat-harassment = Dibentak atau dilecehkan
cat-threats_of_denunciation = Diancam polisi atau deportasi
cat-restricted_movement = Tidak boleh keluar
cat-isolation = Dijauhkan dari keluarga atau orang lain
cat-abuse_of_vulnerability = Dimanfaatkan
cat-debt_bondage = Harus bekerja untuk membayar utang
cat-trafficking_indicators = Ditipu atau dijual ke pekerjaan ini
cat-social_security_and_compensation = Asuransi atau ganti rugi
cat-unfair_dismissal = Dipecat secara tidak adil
cat-other = Hal lain

risk-trafficking = Saya ditipu atau dijual, atau tidak bisa pergi
risk-violence = Ada yang menyakiti saya
risk-detention = Saya dikurung atau ditahan
risk-child_labour = Ada anak yang bekerja
risk-health_emergency = Saya perlu dokter sekarang

error-heading = Ada yang tidak beres
error-try-again = Kembali dan coba lagi
error-not-found = Kami tidak menemukan kasus dengan kode dan kata rahasia ini. Periksa 16 angkanya.
error-too-many = Terlalu banyak percobaan dari sini. Tunggu satu menit lalu coba lagi.
error-description = Tolong tulis apa yang terjadi.
error-category = Tolong pilih setidaknya satu topik.

card-problem-unreadable = Kode tidak bisa dibaca. Pindai lagi atau salin seluruhnya.
card-problem-forged = Tanda tangan kartu tidak cocok dengan serikat mana pun di federasi. Mungkin palsu.
card-problem-expired = Kartu sudah kedaluwarsa.
card-problem-unknown-member = Serikat penerbit belum punya catatan keanggotaan ini di sini.
card-problem-changed = Nama pada kartu tidak cocok dengan catatan serikat.
card-problem-status = Keanggotaan tidak aktif.
error-country = Tulis negara dengan dua huruf, misalnya MY untuk Malaysia.
