import { createApp } from 'vue'
import { ElMessage, ElMessageBox, makeInstaller } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
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

// The components come with the views that use them (vite.config.ts). Installed here: the
// Chinese locale for all of them, and the message and message box, which the views call as
// functions and which take the app's context (so the locale) only when installed.
const elementPlus = makeInstaller([ElMessage, ElMessageBox])

createApp(App).use(elementPlus, { locale: zhCn }).use(router).mount('#app')
