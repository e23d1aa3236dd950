#include "device.h"

void mb_render_page(mb_device *dev, const mb_page *page) {
  dev->begin_page(dev, page);
  for (size_t i = 0; i < page->nboxes; i++) dev->box(dev, page, &page->boxes[i]);
  dev->end_page(dev, page);
}

bool mb_render(const mb_book *book, mb_device *dev) {
  for (size_t p = 0; p < book->npages; p++) mb_render_page(dev, &book->pages[p]);
  return dev->close(dev);
}

void mb_device_free(mb_device *dev) {
  if (dev) dev->free(dev);
}
