# ໜ້າສາທາລະນະຂອງ unionfed: ພາສາລາວ

language-name = ພາສາລາວ
site-title = ສະຫະພັນຊ່ວຍເຫຼືອແຮງງານເຄື່ອນຍ້າຍ
skip-to-content = ຂ້າມໄປຫາເນື້ອໃນ
choose-language = ພາສາ
change-language = ປ່ຽນ

home-heading = ສະຫະພັນຊ່ວຍຫຍັງທ່ານໄດ້ແດ່?
home-card = ກວດບັດສະມາຊິກ
home-complaint = ແຈ້ງບັນຫາຢູ່ບ່ອນເຮັດວຽກ
home-follow = ຕິດຕາມເລື່ອງຂອງຂ້ອຍ
home-privacy = ພວກເຮົາບໍ່ບັນທຶກວ່າທ່ານແມ່ນໃຜ ຫຼືຂຽນມາຈາກໃສ. ທ່ານບໍ່ຕ້ອງບອກຊື່ກໍໄດ້.

card-heading = ກວດບັດສະມາຊິກ
card-label = ລະຫັດບັດ (ເລີ່ມດ້ວຍ UF1:)
card-hint = ສະແກນລະຫັດ QR ເທິງບັດ ຫຼືສຳເນົາຂໍ້ຄວາມທາງລຸ່ມມາໃສ່ໃນຊ່ອງນີ້.
card-submit = ກວດບັດ
card-valid = ບັດນີ້ໃຊ້ໄດ້.
card-invalid = ບັດນີ້ໃຊ້ບໍ່ໄດ້.
card-issuer = ອອກໂດຍ
card-holder = ຊື່ເທິງບັດ
card-status = ສະຖານະສະມາຊິກ
card-representing = ຕາງໜ້າຢູ່ນີ້ໂດຍ
card-nobody = ຍັງບໍ່ມີ
card-problems = ເຫດຜົນ
card-again = ກວດບັດອື່ນ
status-active = ໃຊ້ງານຢູ່
status-suspended = ຖືກໂຈະ
status-lapsed = ໝົດອາຍຸ
status-revoked = ຖືກຖອນ
status-unknown = ບໍ່ຮູ້

complaint-heading = ແຈ້ງບັນຫາຢູ່ບ່ອນເຮັດວຽກ
complaint-intro = ມີແຕ່ສະຫະພັນເທົ່ານັ້ນທີ່ອ່ານຂໍ້ຄວາມນີ້. ທ່ານບໍ່ຈຳເປັນຕ້ອງບອກຊື່.
complaint-kind = ທ່ານມີຄຳຖາມ ຫຼືຄຳຮ້ອງທຸກ?
kind-inquiry = ຄຳຖາມ
kind-complaint = ຄຳຮ້ອງທຸກ
complaint-categories = ແມ່ນເລື່ອງຫຍັງ? ເລືອກທຸກຂໍ້ທີ່ກົງ.
complaint-risk = ຕອນນີ້ທ່ານຢູ່ໃນອັນຕະລາຍບໍ?
complaint-description = ເກີດຫຍັງຂຶ້ນ? ຂຽນດ້ວຍຄຳເວົ້າ ແລະ ພາສາຂອງທ່ານເອງ.
complaint-employer = ນາຍຈ້າງ ຫຼືບໍລິສັດຈັດຫາງານ (ຖ້າຕ້ອງການ)
complaint-country = ປະເທດທີ່ທ່ານເຮັດວຽກ
complaint-name = ຊື່ຂອງທ່ານ (ປະຫວ່າງໄວ້ຖ້າບໍ່ຢາກບອກຊື່)
complaint-contact = ເບີໂທ ຫຼືຊ່ອງທາງສົ່ງຂໍ້ຄວາມ (ປະຫວ່າງໄວ້ຖ້າພວກເຮົາບໍ່ຄວນຕິດຕໍ່ທ່ານ)
complaint-passphrase = ຄຳລັບ (ບໍ່ບັງຄັບ): ພວກເຮົາຈະຖາມຄຳນີ້ພ້ອມລະຫັດຂອງທ່ານ
complaint-submit = ສົ່ງຫາສະຫະພັນ
complaint-sent = ຂໍ້ຄວາມຂອງທ່ານຮອດສະຫະພັນແລ້ວ.
complaint-code = ລະຫັດໃບຮັບຂອງທ່ານ
complaint-keep = ຈົດລະຫັດນີ້ໄວ້ ຫຼືຖ່າຍຮູບໄວ້. ໃຊ້ມັນຕິດຕາມເລື່ອງ ແລະ ອ່ານຄຳຕອບຂອງພວກເຮົາ. ພວກເຮົາບໍ່ສາມາດໃຫ້ລະຫັດນີ້ຄືນໄດ້.
complaint-reference = ເລກທີເລື່ອງ
complaint-follow-now = ຕິດຕາມເລື່ອງຂອງຂ້ອຍ

follow-heading = ຕິດຕາມເລື່ອງຂອງຂ້ອຍ
follow-code = ລະຫັດໃບຮັບ (16 ຕົວເລກ)
follow-passphrase = ຄຳລັບ ຖ້າທ່ານໄດ້ຕັ້ງໄວ້
follow-submit = ສະແດງເລື່ອງຂອງຂ້ອຍ
follow-status = ສະຖານະ
follow-handled-by = ກຳລັງດຳເນີນການອີກຟາກຊາຍແດນໂດຍ
follow-messages = ຂໍ້ຄວາມ
follow-from-union = ສະຫະພັນ
follow-from-you = ທ່ານ
follow-none = ຍັງບໍ່ມີຂໍ້ຄວາມ.
follow-reply = ຂຽນຫາພະນັກງານຮັບຜິດຊອບເລື່ອງ
follow-send = ສົ່ງ
follow-sent = ສົ່ງຂໍ້ຄວາມຂອງທ່ານແລ້ວ.

case-status-new = ໄດ້ຮັບແລ້ວ ລໍຖ້າການກວດສອບ
case-status-verified = ກວດສອບແລ້ວ ສະຫະພັນຈະດຳເນີນການ
case-status-rejected = ປິດເລື່ອງໂດຍບໍ່ດຳເນີນການ
case-status-in_progress = ສະຫະພັນກຳລັງດຳເນີນການ
case-status-referred = ສົ່ງຕໍ່ໃຫ້ໜ່ວຍງານ ຫຼືສະຫະພັນທີ່ຊ່ວຍໄດ້
case-status-resolved = ແກ້ໄຂແລ້ວ
case-status-closed = ປິດແລ້ວ

cat-unpaid_wages = ບໍ່ໄດ້ຮັບຄ່າຈ້າງ
cat-underpaid_wages = ໄດ້ຄ່າຈ້າງໜ້ອຍກວ່າທີ່ສັນຍາ
cat-excessive_recruitment_fees = ຄ່າບໍລິການສູງ ຫຼືມີໜີ້
cat-contract_substitution = ສັນຍາຈ້າງຖືກປ່ຽນ
cat-document_retention = ຖືກຍຶດໜັງສືຜ່ານແດນ ຫຼືເອກະສານ
cat-excessive_hours = ເຮັດວຽກດົນເກີນໄປ
cat-no_rest_day = ບໍ່ມີມື້ພັກ
cat-unsafe_work_and_injury = ວຽກບໍ່ປອດໄພ ຫຼືບາດເຈັບ
cat-physical_or_sexual_abuse = ຖືກທຳຮ້າຍຮ່າງກາຍ ຫຼືລ່ວງລະເມີດທາງເພດ
cat-harassment = ຖືກດ່າ ຫຼືລົບກວນ
cat-threats_of_denunciation = ຖືກຂູ່ວ່າຈະແຈ້ງຕຳຫຼວດ ຫຼືສົ່ງກັບ
cat-restricted_movement = ບໍ່ໃຫ້ອອກໄປນອກ
cat-isolation = ຖືກຕັດຂາດຈາກຄອບຄົວ ຫຼືຄົນອື່ນ
cat-abuse_of_vulnerability = ຖືກເອົາປຽບ
cat-debt_bondage = ຕ້ອງເຮັດວຽກໃຊ້ໜີ້
cat-trafficking_indicators = ຖືກຫຼອກລວງ ຫຼືຖືກຂາຍມາເຮັດວຽກນີ້
cat-social_security_and_compensation = ປະກັນສັງຄົມ ຫຼືເງິນທົດແທນ
cat-unfair_dismissal = ຖືກໄລ່ອອກຢ່າງບໍ່ຍຸຕິທຳ
cat-other = ເລື່ອງອື່ນ

risk-trafficking = ຂ້ອຍຖືກຫຼອກ ຫຼືຖືກຂາຍ ຫຼືອອກໄປບໍ່ໄດ້
risk-violence = ມີຄົນທຳຮ້າຍຂ້ອຍ
risk-detention = ຂ້ອຍຖືກຂັງ ຫຼືຖືກກັກຕົວ
risk-child_labour = ມີເດັກນ້ອຍຕ້ອງເຮັດວຽກ
risk-health_emergency = ຂ້ອຍຕ້ອງການທ່ານໝໍດຽວນີ້

error-heading = ມີບາງຢ່າງບໍ່ຖືກຕ້ອງ
error-try-again = ກັບຄືນແລ້ວລອງອີກຄັ້ງ
error-not-found = ບໍ່ພົບເລື່ອງທີ່ກົງກັບລະຫັດ ແລະ ຄຳລັບນີ້. ກະລຸນາກວດຕົວເລກ 16 ຕົວ.
error-too-many = ລອງຫຼາຍເທື່ອເກີນໄປຈາກບ່ອນນີ້. ກະລຸນາລໍຖ້າໜຶ່ງນາທີແລ້ວລອງໃໝ່.
error-description = ກະລຸນາຂຽນວ່າເກີດຫຍັງຂຶ້ນ.
error-category = ກະລຸນາເລືອກຢ່າງໜ້ອຍໜຶ່ງຫົວຂໍ້.

card-problem-unreadable = ອ່ານລະຫັດບໍ່ໄດ້. ກະລຸນາສະແກນໃໝ່ ຫຼືສຳເນົາທັງໝົດ.
card-problem-forged = ລາຍເຊັນຂອງບັດບໍ່ກົງກັບສະຫະພັນໃດໃນສະຫະພັນທັງໝົດ. ບັດອາດຈະປອມ.
card-problem-expired = ບັດໝົດອາຍຸແລ້ວ.
card-problem-unknown-member = ສະຫະພັນທີ່ອອກບັດຍັງບໍ່ມີຂໍ້ມູນສະມາຊິກນີ້ຢູ່ທີ່ນີ້.
card-problem-changed = ຊື່ເທິງບັດບໍ່ກົງກັບຂໍ້ມູນຂອງສະຫະພັນ.
card-problem-status = ສະຖານະສະມາຊິກບໍ່ໄດ້ໃຊ້ງານ.
error-country = ຂຽນປະເທດເປັນຕົວອັກສອນສອງຕົວ ເຊັ່ນ MY ສຳລັບມາເລເຊຍ.
