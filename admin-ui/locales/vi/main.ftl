# Trang công khai của unionfed: Tiếng Việt.

language-name = Tiếng Việt
site-title = Công đoàn hỗ trợ lao động di cư
skip-to-content = Chuyển đến nội dung
choose-language = Ngôn ngữ
change-language = Đổi

home-heading = Công đoàn có thể giúp gì cho bạn?
home-card = Kiểm tra thẻ đoàn viên
home-complaint = Cho chúng tôi biết vấn đề ở nơi làm việc
home-follow = Theo dõi vụ việc của tôi
home-privacy = Chúng tôi không ghi lại bạn là ai hay bạn viết từ đâu. Bạn có thể giấu tên.

card-heading = Kiểm tra thẻ đoàn viên
card-label = Mã thẻ (bắt đầu bằng UF1:)
card-hint = Quét mã QR trên thẻ, hoặc chép dòng chữ bên dưới vào ô này.
card-submit = Kiểm tra thẻ
card-valid = Thẻ này hợp lệ.
card-invalid = Thẻ này không hợp lệ.
card-issuer = Cấp bởi
card-holder = Tên trên thẻ
card-status = Tư cách đoàn viên
card-representing = Được đại diện tại đây bởi
card-nobody = chưa có
card-problems = Lý do
card-again = Kiểm tra thẻ khác
status-active = còn hiệu lực
status-suspended = bị đình chỉ
status-lapsed = hết hạn
status-revoked = bị thu hồi
status-unknown = không rõ

complaint-heading = Cho chúng tôi biết vấn đề ở nơi làm việc
complaint-intro = Chỉ công đoàn đọc nội dung này. Bạn không cần cho biết tên.
complaint-kind = Bạn có câu hỏi hay khiếu nại?
kind-inquiry = Câu hỏi
kind-complaint = Khiếu nại
complaint-categories = Việc này liên quan đến gì? Chọn tất cả những mục phù hợp.
complaint-risk = Bạn có đang gặp nguy hiểm không?
complaint-description = Chuyện gì đã xảy ra? Hãy viết bằng lời và ngôn ngữ của bạn.
complaint-employer = Chủ sử dụng hoặc công ty môi giới (nếu muốn)
complaint-country = Nước nơi bạn làm việc
complaint-name = Tên của bạn (để trống nếu muốn giấu tên)
complaint-contact = Số điện thoại hoặc liên lạc nhắn tin (để trống nếu chúng tôi không được liên lạc)
complaint-passphrase = Từ bí mật (không bắt buộc): chúng tôi sẽ hỏi từ này cùng mã của bạn
complaint-submit = Gửi đến công đoàn
complaint-sent = Tin nhắn của bạn đã đến công đoàn.
complaint-code = Mã biên nhận của bạn
complaint-keep = Hãy ghi lại mã này hoặc chụp ảnh. Với mã này bạn có thể theo dõi vụ việc và đọc trả lời của chúng tôi. Chúng tôi không thể cấp lại mã.
complaint-reference = Số vụ việc
complaint-follow-now = Theo dõi vụ việc của tôi

follow-heading = Theo dõi vụ việc của tôi
follow-code = Mã biên nhận (16 chữ số)
follow-passphrase = Từ bí mật, nếu bạn đã chọn
follow-submit = Xem vụ việc của tôi
follow-status = Tình trạng
follow-handled-by = Đang được xử lý ở nước bên kia bởi
follow-messages = Tin nhắn
follow-from-union = Công đoàn
follow-from-you = Bạn
follow-none = Chưa có tin nhắn.
follow-reply = Viết cho cán bộ phụ trách
follow-send = Gửi
follow-sent = Tin nhắn của bạn đã được gửi.

case-status-new = đã nhận, đang chờ kiểm tra
case-status-verified = đã kiểm tra, công đoàn sẽ hành động
case-status-rejected = đã đóng, không xử lý
case-status-in_progress = công đoàn đang xử lý
case-status-referred = đã chuyển cho cơ quan hoặc công đoàn có thể giúp
case-status-resolved = đã giải quyết
case-status-closed = đã đóng

cat-unpaid_wages = Không được trả lương
cat-underpaid_wages = Được trả ít hơn đã hứa
cat-excessive_recruitment_fees = Phí tuyển dụng cao hoặc nợ
cat-contract_substitution = Hợp đồng bị thay đổi
cat-document_retention = Bị giữ hộ chiếu hoặc giấy tờ
cat-excessive_hours = Làm việc quá nhiều giờ
cat-no_rest_day = Không có ngày nghỉ
cat-unsafe_work_and_injury = Công việc không an toàn hoặc bị thương
cat-physical_or_sexual_abuse = Bị đánh, bị hại hoặc bị xâm hại tình dục
cat-harassment = Bị la mắng hoặc quấy rối
cat-threats_of_denunciation = Bị dọa báo công an hoặc trục xuất
cat-restricted_movement = Không được ra ngoài
cat-isolation = Bị cách ly khỏi gia đình hoặc người khác
cat-abuse_of_vulnerability = Bị lợi dụng
cat-debt_bondage = Phải làm việc để trả nợ
cat-trafficking_indicators = Bị lừa hoặc bị bán vào công việc này
cat-social_security_and_compensation = Bảo hiểm hoặc bồi thường
cat-unfair_dismissal = Bị sa thải bất công
cat-other = Việc khác

risk-trafficking = Tôi bị lừa hoặc bị bán, hoặc không thể rời đi
risk-violence = Có người đang làm hại tôi
risk-detention = Tôi bị nhốt hoặc bị giam giữ
risk-child_labour = Có trẻ em đang phải làm việc
risk-health_emergency = Tôi cần bác sĩ ngay

error-heading = Có điều chưa đúng
error-try-again = Quay lại và thử lần nữa
error-not-found = Chúng tôi không tìm thấy vụ việc với mã và từ bí mật này. Hãy kiểm tra 16 chữ số.
error-too-many = Thử quá nhiều lần từ đây. Hãy đợi một phút rồi thử lại.
error-description = Vui lòng viết điều đã xảy ra.
error-category = Vui lòng chọn ít nhất một chủ đề.

card-problem-unreadable = Không đọc được mã. Hãy quét lại hoặc chép toàn bộ.
card-problem-forged = Chữ ký của thẻ không khớp với công đoàn nào trong liên đoàn. Thẻ có thể là giả.
card-problem-expired = Thẻ đã hết hạn.
card-problem-unknown-member = Công đoàn cấp thẻ chưa có hồ sơ đoàn viên này tại đây.
card-problem-changed = Tên trên thẻ không khớp với hồ sơ của công đoàn.
card-problem-status = Tư cách đoàn viên không còn hiệu lực.
error-country = Viết tên nước bằng hai chữ cái, ví dụ MY cho Malaysia.
