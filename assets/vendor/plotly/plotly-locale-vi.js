/* Plotly's Vietnamese locale. The date formats are plotly.js-locales 3.1.1's vi.js (MIT, like plotly.js); that
 * file leaves the dictionary empty, so the mode bar's texts (shown on hover over every chart) are translated here
 * for the command centre. Charts ask for it with config={"locale": "vi"}. Loaded after plotly-basic.min.js
 * (assets load in name order). */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  window.Plotly.register({
    moduleType: "locale",
    name: "vi",
    dictionary: {
      "Autoscale": "Tự động co giãn",
      "Box Select": "Chọn vùng chữ nhật",
      "Compare data on hover": "So sánh số liệu khi di chuột",
      "Double-click on legend to isolate one trace": "Nhấp đúp vào chú giải để chỉ xem một chuỗi",
      "Double-click to zoom back out": "Nhấp đúp để thu nhỏ lại",
      "Download plot": "Tải biểu đồ",
      "Download plot as a PNG": "Tải biểu đồ (PNG)",
      "Download plot as JSON": "Tải biểu đồ (JSON)",
      "Lasso Select": "Chọn tự do",
      "Pan": "Kéo",
      "Produced with Plotly.js": "Vẽ bằng Plotly.js",
      "Reset": "Đặt lại",
      "Reset axes": "Đặt lại trục",
      "Reset view": "Đặt lại khung nhìn",
      "Reset views": "Đặt lại khung nhìn",
      "Show closest data on hover": "Hiện số liệu gần nhất khi di chuột",
      "Sorry, there was a problem downloading your image!": "Không tải được ảnh, xin thử lại.",
      "Toggle Spike Lines": "Bật/tắt đường gióng",
      "Toggle show closest data on hover": "Bật/tắt số liệu gần nhất khi di chuột",
      "Zoom": "Phóng to vùng",
      "Zoom in": "Phóng to",
      "Zoom out": "Thu nhỏ",
    },
    format: {
      days: ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"],
      shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
      months: ["Tháng Một", "Tháng Hai", "Tháng Ba", "Tháng Tư", "Tháng Năm", "Tháng Sáu", "Tháng Bảy",
        "Tháng Tám", "Tháng Chín", "Tháng Mười", "Tháng Mười Một", "Tháng Mười Hai"],
      shortMonths: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8",
        "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"],
      date: "%d/%m/%Y",
    },
  });
})();
