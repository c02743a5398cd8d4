import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { setUnauthorizedHandler } from './api/http'
import { loginRoute, router } from './router'
import { forgetSession } from './session'

// A 401 from any console call means the sign-in ran out: back to the sign-in page, and then
// back to where the person was.
setUnauthorizedHandler(() => {
  forgetSession()
  const current = router.currentRoute.value
  if (current.meta.public) return
  void router.replace(loginRoute(current))
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
