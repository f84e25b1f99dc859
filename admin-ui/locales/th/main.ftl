# หน้าสาธารณะของ unionfed: ภาษาไทย

language-name = ภาษาไทย
site-title = สหภาพแรงงานช่วยเหลือแรงงานข้ามชาติ
skip-to-content = ข้ามไปยังเนื้อหา
choose-language = ภาษา
change-language = เปลี่ยน

home-heading = สหภาพช่วยอะไรคุณได้บ้าง
home-card = ตรวจสอบบัตรสมาชิก
home-complaint = แจ้งปัญหาในที่ทำงาน
home-follow = ติดตามเรื่องของฉัน
home-privacy = เราไม่บันทึกว่าคุณเป็นใครหรือเขียนมาจากที่ไหน คุณไม่ต้องเปิดเผยชื่อก็ได้

card-heading = ตรวจสอบบัตรสมาชิก
card-label = รหัสบัตร (ขึ้นต้นด้วย UF1:)
card-hint = สแกนคิวอาร์โค้ดบนบัตร หรือคัดลอกข้อความใต้คิวอาร์โค้ดมาใส่ในช่องนี้
card-submit = ตรวจสอบบัตร
card-valid = บัตรนี้ใช้ได้
card-invalid = บัตรนี้ใช้ไม่ได้
card-issuer = ออกโดย
card-holder = ชื่อบนบัตร
card-status = สถานะสมาชิก
card-representing = ผู้ดูแลในประเทศนี้
card-nobody = ยังไม่มี
card-problems = เหตุผล
card-again = ตรวจสอบบัตรอื่น
status-active = ใช้งานอยู่
status-suspended = ถูกระงับ
status-lapsed = หมดอายุ
status-revoked = ถูกเพิกถอน
status-unknown = ไม่ทราบ

complaint-heading = แจ้งปัญหาในที่ทำงาน
complaint-intro = มีเพียงสหภาพเท่านั้นที่อ่านข้อความนี้ คุณไม่จำเป็นต้องบอกชื่อ
complaint-kind = คุณมีคำถามหรือเรื่องร้องเรียน
kind-inquiry = คำถาม
kind-complaint = เรื่องร้องเรียน
complaint-categories = เป็นเรื่องเกี่ยวกับอะไร เลือกได้ทุกข้อที่ตรง
complaint-risk = ตอนนี้คุณตกอยู่ในอันตรายหรือไม่
complaint-description = เกิดอะไรขึ้น เขียนด้วยคำพูดและภาษาของคุณเอง
complaint-employer = นายจ้างหรือบริษัทจัดหางาน (ถ้าต้องการ)
complaint-country = ประเทศที่คุณทำงาน
complaint-name = ชื่อของคุณ (เว้นว่างไว้หากไม่ต้องการเปิดเผยชื่อ)
complaint-contact = เบอร์โทรหรือช่องทางส่งข้อความ (เว้นว่างไว้หากเราไม่ควรติดต่อคุณ)
complaint-passphrase = คำลับ (ไม่บังคับ): เราจะถามคำนี้พร้อมรหัสของคุณ
complaint-submit = ส่งถึงสหภาพ
complaint-sent = ข้อความของคุณถึงสหภาพแล้ว
complaint-code = รหัสใบรับของคุณ
complaint-keep = จดรหัสนี้ไว้หรือถ่ายรูปเก็บไว้ ใช้รหัสนี้ติดตามเรื่องและอ่านคำตอบของเรา เราไม่สามารถให้รหัสนี้ซ้ำได้
complaint-reference = เลขที่เรื่อง
complaint-follow-now = ติดตามเรื่องของฉัน

follow-heading = ติดตามเรื่องของฉัน
follow-code = รหัสใบรับ (ตัวเลข 16 หลัก)
follow-passphrase = คำลับ ถ้าคุณตั้งไว้
follow-submit = แสดงเรื่องของฉัน
follow-status = สถานะ
follow-handled-by = ดำเนินการอีกฝั่งของชายแดนโดย
follow-messages = ข้อความ
follow-from-union = สหภาพ
follow-from-you = คุณ
follow-none = ยังไม่มีข้อความ
follow-reply = เขียนถึงเจ้าหน้าที่ผู้ดูแลเรื่อง
follow-send = ส่ง
follow-sent = ส่งข้อความของคุณแล้ว

case-status-new = ได้รับแล้ว รอการตรวจสอบ
case-status-verified = ตรวจสอบแล้ว สหภาพจะดำเนินการ
case-status-rejected = ปิดเรื่องโดยไม่ดำเนินการ
case-status-in_progress = สหภาพกำลังดำเนินการ
case-status-referred = ส่งต่อให้หน่วยงานหรือสหภาพที่ช่วยได้
case-status-resolved = แก้ไขแล้ว
case-status-closed = ปิดเรื่องแล้ว

cat-unpaid_wages = ไม่ได้รับค่าจ้าง
cat-underpaid_wages = ได้ค่าจ้างน้อยกว่าที่สัญญา
cat-excessive_recruitment_fees = ค่าหัวคิวสูงหรือมีหนี้
cat-contract_substitution = สัญญาจ้างถูกเปลี่ยน
cat-document_retention = ถูกยึดหนังสือเดินทางหรือเอกสาร
cat-excessive_hours = ทำงานนานเกินไป
cat-no_rest_day = ไม่มีวันหยุด
cat-unsafe_work_and_injury = งานไม่ปลอดภัยหรือบาดเจ็บ
cat-physical_or_sexual_abuse = ถูกทำร้ายร่างกายหรือล่วงละเมิดทางเพศ
cat-harassment = ถูกตะคอกหรือคุกคาม
cat-threats_of_denunciation = ถูกขู่ว่าจะแจ้งตำรวจหรือส่งกลับ
cat-restricted_movement = ไม่ได้รับอนุญาตให้ออกไปข้างนอก
cat-isolation = ถูกตัดขาดจากครอบครัวหรือคนอื่น
cat-abuse_of_vulnerability = ถูกเอาเปรียบ
cat-debt_bondage = ต้องทำงานใช้หนี้
cat-trafficking_indicators = ถูกหลอกหรือถูกขายมาทำงานนี้
cat-social_security_and_compensation = ประกันสังคมหรือเงินทดแทน
cat-unfair_dismissal = ถูกเลิกจ้างอย่างไม่เป็นธรรม
cat-other = เรื่องอื่น

risk-trafficking = ฉันถูกหลอกหรือถูกขาย หรือออกไปไม่ได้
risk-violence = มีคนทำร้ายฉัน
risk-detention = ฉันถูกขังหรือถูกกักตัว
risk-child_labour = มีเด็กต้องทำงาน
risk-health_emergency = ฉันต้องพบแพทย์ทันที

error-heading = มีบางอย่างไม่ถูกต้อง
error-try-again = ย้อนกลับแล้วลองอีกครั้ง
error-not-found = ไม่พบเรื่องที่ตรงกับรหัสและคำลับนี้ กรุณาตรวจสอบตัวเลข 16 หลัก
error-too-many = ลองหลายครั้งเกินไปจากที่นี่ กรุณารอหนึ่งนาทีแล้วลองใหม่
error-description = กรุณาเขียนว่าเกิดอะไรขึ้น
error-category = กรุณาเลือกอย่างน้อยหนึ่งหัวข้อ

card-problem-unreadable = อ่านรหัสไม่ได้ กรุณาสแกนใหม่หรือคัดลอกทั้งหมด
card-problem-forged = ลายมือชื่อของบัตรไม่ตรงกับสหภาพใดในสหพันธ์ บัตรอาจเป็นของปลอม
card-problem-expired = บัตรหมดอายุแล้ว
card-problem-unknown-member = สหภาพที่ออกบัตรยังไม่มีข้อมูลสมาชิกนี้ที่นี่
card-problem-changed = ชื่อบนบัตรไม่ตรงกับข้อมูลของสหภาพ
card-problem-status = สถานะสมาชิกไม่ได้ใช้งานอยู่
error-country = เขียนชื่อประเทศเป็นตัวอักษรสองตัว เช่น MY สำหรับมาเลเซีย
