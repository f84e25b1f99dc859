# ទំព័រសាធារណៈ unionfed: ភាសាខ្មែរ

language-name = ភាសាខ្មែរ
site-title = ជំនួយពីសហជីពសម្រាប់ពលករចំណាកស្រុក
skip-to-content = រំលងទៅខ្លឹមសារ
choose-language = ភាសា
change-language = ប្ដូរ

home-heading = តើសហជីពអាចជួយអ្វីអ្នកបាន?
home-card = ពិនិត្យកាតសមាជិក
home-complaint = ប្រាប់យើងពីបញ្ហានៅកន្លែងការងារ
home-follow = តាមដានករណីរបស់ខ្ញុំ
home-privacy = យើងមិនកត់ត្រាថាអ្នកជានរណា ឬសរសេរមកពីណាទេ។ អ្នកអាចមិនបញ្ចេញឈ្មោះបាន។

card-heading = ពិនិត្យកាតសមាជិក
card-label = លេខកូដកាត (ចាប់ផ្ដើមដោយ UF1:)
card-hint = ស្កេនកូដ QR នៅលើកាត ឬចម្លងអក្សរនៅខាងក្រោមវាដាក់ក្នុងប្រអប់នេះ។
card-submit = ពិនិត្យកាត
card-valid = កាតនេះមានសុពលភាព។
card-invalid = កាតនេះគ្មានសុពលភាព។
card-issuer = ចេញដោយ
card-holder = ឈ្មោះនៅលើកាត
card-status = សមាជិកភាព
card-representing = តំណាងនៅទីនេះដោយ
card-nobody = មិនទាន់មាន
card-problems = មូលហេតុ
card-again = ពិនិត្យកាតផ្សេងទៀត
status-active = សកម្ម
status-suspended = ត្រូវបានផ្អាក
status-lapsed = ផុតកំណត់
status-revoked = ត្រូវបានដកហូត
status-unknown = មិនស្គាល់

complaint-heading = ប្រាប់យើងពីបញ្ហានៅកន្លែងការងារ
complaint-intro = មានតែសហជីពប៉ុណ្ណោះដែលអានសារនេះ។ អ្នកមិនចាំបាច់ផ្ដល់ឈ្មោះទេ។
complaint-kind = តើអ្នកមានសំណួរ ឬពាក្យបណ្ដឹង?
kind-inquiry = សំណួរ
kind-complaint = ពាក្យបណ្ដឹង
complaint-categories = តើវាទាក់ទងនឹងអ្វី? ជ្រើសរើសទាំងអស់ដែលត្រូវ។
complaint-risk = តើអ្នកកំពុងមានគ្រោះថ្នាក់ឥឡូវនេះទេ?
complaint-description = តើមានរឿងអ្វីកើតឡើង? សរសេរតាមពាក្យ និងភាសារបស់អ្នកផ្ទាល់។
complaint-employer = និយោជក ឬភ្នាក់ងារ (បើចង់)
complaint-country = ប្រទេសដែលអ្នកធ្វើការ
complaint-name = ឈ្មោះរបស់អ្នក (ទុកទទេដើម្បីមិនបញ្ចេញឈ្មោះ)
complaint-contact = លេខទូរស័ព្ទ ឬទំនាក់ទំនងផ្ញើសារ (ទុកទទេបើយើងមិនត្រូវទាក់ទងអ្នក)
complaint-passphrase = ពាក្យសម្ងាត់ (មិនបង្ខំ)៖ យើងនឹងសួរវាជាមួយលេខកូដរបស់អ្នក
complaint-submit = ផ្ញើទៅសហជីព
complaint-sent = សាររបស់អ្នកបានទៅដល់សហជីពហើយ។
complaint-code = លេខកូដបង្កាន់ដៃរបស់អ្នក
complaint-keep = សរសេរលេខកូដនេះទុក ឬថតរូបវាទុក។ ជាមួយវា អ្នកអាចតាមដានករណី និងអានចម្លើយរបស់យើង។ យើងមិនអាចផ្ដល់វាម្ដងទៀតបានទេ។
complaint-reference = លេខករណី
complaint-follow-now = តាមដានករណីរបស់ខ្ញុំ

follow-heading = តាមដានករណីរបស់ខ្ញុំ
follow-code = លេខកូដបង្កាន់ដៃ (១៦ ខ្ទង់)
follow-passphrase = ពាក្យសម្ងាត់ ប្រសិនបើអ្នកបានជ្រើសរើស
follow-submit = បង្ហាញករណីរបស់ខ្ញុំ
follow-status = ស្ថានភាព
follow-handled-by = កំពុងដោះស្រាយនៅប្រទេសម្ខាងទៀតដោយ
follow-messages = សារ
follow-from-union = សហជីព
follow-from-you = អ្នក
follow-none = មិនទាន់មានសារនៅឡើយទេ។
follow-reply = សរសេរទៅមន្ត្រីទទួលបន្ទុកករណីរបស់អ្នក
follow-send = ផ្ញើ
follow-sent = សាររបស់អ្នកត្រូវបានផ្ញើហើយ។

case-status-new = បានទទួល កំពុងរង់ចាំការពិនិត្យ
case-status-verified = បានពិនិត្យ សហជីពនឹងចាត់វិធានការ
case-status-rejected = បានបិទដោយគ្មានវិធានការ
case-status-in_progress = សហជីពកំពុងចាត់វិធានការ
case-status-referred = បានបញ្ជូនទៅសេវា ឬសហជីពដែលអាចជួយបាន
case-status-resolved = បានដោះស្រាយ
case-status-closed = បានបិទ

cat-unpaid_wages = មិនបានបើកប្រាក់ឈ្នួល
cat-underpaid_wages = ទទួលបានតិចជាងការសន្យា
cat-excessive_recruitment_fees = ថ្លៃជ្រើសរើសខ្ពស់ ឬជំពាក់បំណុល
cat-contract_substitution = កិច្ចសន្យាត្រូវបានផ្លាស់ប្ដូរ
cat-document_retention = លិខិតឆ្លងដែន ឬឯកសារត្រូវបានរឹបអូស
cat-excessive_hours = ម៉ោងធ្វើការច្រើនពេក
cat-no_rest_day = គ្មានថ្ងៃសម្រាក
cat-unsafe_work_and_injury = ការងារគ្មានសុវត្ថិភាព ឬរងរបួស
cat-physical_or_sexual_abuse = ត្រូវវាយដំ ធ្វើបាប ឬរំលោភផ្លូវភេទ
cat-harassment = ត្រូវស្រែកដាក់ ឬយាយី
cat-threats_of_denunciation = ត្រូវគំរាមនឹងប៉ូលិស ឬការបណ្ដេញចេញ
cat-restricted_movement = មិនត្រូវបានអនុញ្ញាតឱ្យចេញក្រៅ
cat-isolation = ត្រូវបានផ្ដាច់ពីគ្រួសារ ឬអ្នកដទៃ
cat-abuse_of_vulnerability = ត្រូវគេទាញប្រយោជន៍
cat-debt_bondage = ត្រូវធ្វើការដើម្បីសងបំណុល
cat-trafficking_indicators = ត្រូវគេបោកប្រាស់ ឬលក់មកធ្វើការនេះ
cat-social_security_and_compensation = ធានារ៉ាប់រង ឬសំណង
cat-unfair_dismissal = ត្រូវបណ្ដេញចេញដោយអយុត្តិធម៌
cat-other = រឿងផ្សេងទៀត

risk-trafficking = ខ្ញុំត្រូវគេបោកប្រាស់ ឬលក់ ឬមិនអាចចាកចេញបាន
risk-violence = មាននរណាម្នាក់កំពុងធ្វើបាបខ្ញុំ
risk-detention = ខ្ញុំត្រូវគេចាក់សោ ឬឃុំខ្លួន
risk-child_labour = មានកុមារកំពុងធ្វើការ
risk-health_emergency = ខ្ញុំត្រូវការគ្រូពេទ្យឥឡូវនេះ

error-heading = មានអ្វីមួយមិនត្រឹមត្រូវ
error-try-again = ត្រឡប់ក្រោយ ហើយព្យាយាមម្ដងទៀត
error-not-found = យើងរកមិនឃើញករណីដែលមានលេខកូដ និងពាក្យសម្ងាត់នេះទេ។ សូមពិនិត្យលេខ ១៦ ខ្ទង់។
error-too-many = ព្យាយាមច្រើនដងពេកពីទីនេះ។ សូមរង់ចាំមួយនាទី ហើយព្យាយាមម្ដងទៀត។
error-description = សូមសរសេរពីអ្វីដែលបានកើតឡើង។
error-category = សូមជ្រើសរើសយ៉ាងហោចណាស់ប្រធានបទមួយ។

card-problem-unreadable = មិនអាចអានលេខកូដបានទេ។ សូមស្កេនម្ដងទៀត ឬចម្លងទាំងអស់។
card-problem-forged = ហត្ថលេខារបស់កាតមិនត្រូវនឹងសហជីពណាមួយក្នុងសហព័ន្ធទេ។ វាអាចជាកាតក្លែងក្លាយ។
card-problem-expired = កាតនេះផុតកំណត់ហើយ។
card-problem-unknown-member = សហជីពដែលចេញកាត មិនទាន់មានកំណត់ត្រាសមាជិកភាពនេះនៅទីនេះទេ។
card-problem-changed = ឈ្មោះនៅលើកាតមិនត្រូវនឹងកំណត់ត្រារបស់សហជីពទេ។
card-problem-status = សមាជិកភាពមិនសកម្មទេ។
error-country = សរសេរប្រទេសជាអក្សរពីរ ឧទាហរណ៍ MY សម្រាប់ម៉ាឡេស៊ី។
